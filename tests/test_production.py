"""A production smoke test: the app under gunicorn as the README runs it, on PostgreSQL, with
the rate limits in Redis, behind a proxy that terminates TLS. It checks what a browser and an
attacker see: security headers, cookie flags, the HTTPS redirect, limits shared by all
workers, and access logs without tokens."""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from cryptography.fernet import Fernet

from eventapp.dbtypes import utcnow
from eventapp.registration import services as registration
from tests.conftest import POSTGRES_REQUIRED, POSTGRES_URL
from tests.factories import PASSWORD, registrant

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/15"
HUEY_REDIS_URL = "redis://127.0.0.1:6379/14"
HTTPS = {"X-Forwarded-Proto": "https"}


def _free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        message = f"Redis at {REDIS_URL} is unreachable: {exc}"
        if POSTGRES_REQUIRED:  # CI needs every real part the suite talks to
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    client.flushdb()
    yield client
    client.flushdb()
    redis.Redis.from_url(HUEY_REDIS_URL).flushdb()  # the mail jobs the server queued


@pytest.fixture
def production_server(app, redis_db, tmp_path):
    """gunicorn with two workers in production mode, on the test PostgreSQL database."""
    port = _free_port()
    env = {
        **os.environ,
        "EVENTAPP_ENV": "production",
        "EVENTAPP_INSTANCE": str(tmp_path),
        "SECRET_KEY": secrets.token_hex(32),
        "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": POSTGRES_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "HUEY_URL": HUEY_REDIS_URL,
        "BASE_URL": f"https://127.0.0.1:{port}",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"gunicorn exited: {log.read_text()}")
                time.sleep(0.2)
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=10)


class Browser:
    """Just enough of a browser over http.client: cookies kept, redirects not followed."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        sent = {**HTTPS, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            # Over HTTPS Flask-WTF also checks that a post comes from this site, as browsers
            # say under Referrer-Policy: same-origin.
            sent["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response

    def csrf(self, path: str) -> str:
        page = self.request("GET", path).text
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)
def test_production_headers_cookies_limits_and_logs(app, production_server, make_org, make_user, make_event):
    port, log = production_server
    org = make_org()
    user = make_user(org, email="panitia@kotim.example")
    event = make_event(org)
    token = registration.register(event, registrant(), utcnow()).registration.token
    browser = Browser(port)

    plain = browser.request("GET", f"/acara/{event.slug}", headers={"X-Forwarded-Proto": "http"})
    assert plain.status in (301, 302) and plain.headers["Location"].startswith("https://")

    page = browser.request("GET", f"/p/{token}?baru=1")
    assert page.status == 200
    headers = page.headers
    assert int(headers["Strict-Transport-Security"].removeprefix("max-age=")) >= 365 * 24 * 3600
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"

    csrf = browser.csrf("/kelola/masuk")
    signed_in = browser.request(
        "POST",
        "/kelola/masuk",
        {"csrf_token": csrf, "email": user.email, "password": PASSWORD, "remember": "y"},
    )
    assert signed_in.status == 302
    cookies = {c.split("=", 1)[0]: c for c in signed_in.headers.get_all("Set-Cookie")}
    for name in ("session", "remember_token"):
        flags = cookies[name].lower()
        assert "secure" in flags and "httponly" in flags and "samesite=lax" in flags, cookies[name]
    assert browser.request("GET", "/kelola/acara/").status == 200

    # Ten sign-in posts a minute from one address (the one above counts), whichever of the two
    # workers answers: with memory:// each worker would allow ten.
    stranger = Browser(port)
    csrf = stranger.csrf("/kelola/masuk")
    statuses = [
        stranger.request(
            "POST", "/kelola/masuk", {"csrf_token": csrf, "email": user.email, "password": "salah"}
        ).status
        for _ in range(12)
    ]
    assert statuses == [200] * 9 + [429] * 3, statuses

    time.sleep(0.5)  # let gunicorn flush its access log
    logged = log.read_text()
    assert "GET /p/… HTTP/1.1" in logged
    assert token not in logged and "baru=1" not in logged
