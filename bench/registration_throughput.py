"""Registration POST throughput under gunicorn, compared with a bare Flask "hello" endpoint.

    .venv/bin/python bench/registration_throughput.py [--seconds 10] [--connections 16] [--workers 4]

Serves each app with the same gunicorn settings on loopback, loads it with wrk, and prints
requests per second for hello and, on SQLite and on PostgreSQL, for three POSTs with their ratio
to hello:
- Flask + one INSERT, and the same behind a Flask-WTF form with its CSRF token
  (`bench/floor_app.py`): what the stack itself costs, the least any registration can cost;
- eventapp's registration: the real form POST with its CSRF token, validation, the duplicate
  check, the seat lock, the insert and the commit.
The login/registration rate limit is turned off for the run (it would otherwise answer 429
after 20 posts a minute from one address). Needs `wrk` (`make bench`).
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import closing
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import migrated_env

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"

SETUP_EVENT = """
from datetime import time, timedelta
from eventapp import create_app
from eventapp.dbtypes import utcnow
from eventapp.events import services as events
from tests import factories
app = create_app()
with app.app_context():
    org = factories.office("Bench")
    admin = factories.staff(None, "bench@example.org", "admin", password="bench-password")
    day = (utcnow() + timedelta(days=3)).date()
    event = events.create_event(admin, org, events.EventData(title="Uji beban", kind="webinar", mode="daring",
                                online_capacity=None), [events.SessionData(day, time(9), time(11))])
    events.publish_event(admin, event)
    print(event.slug)
"""

COUNT_REGISTRATIONS = """
from sqlalchemy import text
from eventapp import create_app
from eventapp.extensions import db
with create_app().app_context():
    print(db.session.scalar(text("SELECT count(*) FROM registrations")))
"""


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def gunicorn(app_path: str, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            # gunicorn.conf.py logs every request to stdout; thousands a second would flood it.
            "--access-logfile",
            "/dev/null",
            app_path,
        ],
        cwd=ROOT,
        env=env,
    )
    return process, port


def wrk(
    url: str, seconds: int, connections: int, script: Path | None = None, env: dict | None = None
) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, env=env, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output).group(1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": p50, "p99": p99, "bad": int(bad.group(1)) if bad else 0}


# A little longer than config.FORM_MIN_FILL_SECONDS, the least time a person takes on the form.
FILL_SECONDS = 3.5


def load_posts(app_path: str, env: dict, args, form_path: str, post_path: str) -> dict:
    """Serve `app_path`, take the CSRF token and session cookie from the form at `form_path`,
    then let wrk post registrations to `post_path`, each with a phone number of its own."""
    process, port = gunicorn(app_path, env, args.workers)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}{form_path}")
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}{form_path}").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        # eventapp's form carries the signed time it was shown; a post is taken only once a
        # person could have filled it in (FORM_MIN_FILL_SECONDS), so the load starts after that.
        shown = re.search(r'name="shown_at" type="hidden" value="([^"]+)"', page)
        if shown:
            time.sleep(FILL_SECONDS)
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        wrk_env = dict(
            os.environ,
            BENCH_PATH=post_path,
            BENCH_TOKEN=token,
            BENCH_COOKIE=cookie,
            BENCH_SHOWN_AT=shown.group(1) if shown else "",
        )
        script = ROOT / "bench" / "register.lua"
        return wrk(f"{base}{post_path}", args.seconds, args.connections, script, wrk_env)
    finally:
        process.terminate()
        process.wait()


def run_python(code: str, env: dict) -> list[str]:
    """The lines a snippet prints, run with the app's settings in `env`."""
    output = subprocess.run(
        [str(BIN / "python"), "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return output.splitlines()


def backend_runs(backend: str, args, workdir: Path) -> list[tuple[str, dict]]:
    """On one new database: the two floors (Flask + an INSERT; then with the Flask-WTF form),
    and eventapp's registration POST."""
    env = migrated_env(backend, workdir)
    results = []
    for label, post_path in (("Flask + one INSERT", "/insert"), ("+ Flask-WTF form, CSRF", "/form")):
        run_python("from bench.floor_app import reset_table; reset_table()", env)
        result = load_posts("bench.floor_app:app", env, args, "/form", post_path)
        saved = run_python("from bench.floor_app import count_rows; print(count_rows())", env)
        result["saved"] = int(saved[-1])
        results.append((label, result))
    slug = run_python(SETUP_EVENT, env)[-1]
    path = f"/acara/{slug}/daftar"
    result = load_posts("wsgi:app", env, args, path, path)
    result["saved"] = int(run_python(COUNT_REGISTRATIONS, env)[-1])
    results.append(("eventapp registration", result))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: run `make bench`, or apt-get install wrk")

    with tempfile.TemporaryDirectory(prefix="eventapp-bench-") as tmp:
        process, port = gunicorn("bench.hello_app:app", dict(os.environ), args.workers)
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            hello = wrk(f"http://127.0.0.1:{port}/", args.seconds, args.connections)
        finally:
            process.terminate()
            process.wait()
        print(
            f"gunicorn {args.workers} sync workers, wrk 2 threads × {args.connections} connections, "
            f"{args.seconds} s per run, {os.cpu_count()} CPU cores"
        )
        print(
            f"{'bare Flask hello':<28} {hello['rps']:>9.1f} req/s   "
            f"p50 {hello['p50']:>8}  p99 {hello['p99']:>8}"
        )
        for backend in ("sqlite", "postgresql"):
            workdir = Path(tmp) / backend
            workdir.mkdir()
            print(backend)
            for label, result in backend_runs(backend, args, workdir):
                print(
                    f"  {label:<26} {result['rps']:>9.1f} req/s   "
                    f"p50 {result['p50']:>8}  p99 {result['p99']:>8}   "
                    f"{result['rps'] / hello['rps']:6.1%} of hello   "
                    f"(saved {result['saved']} registrations, {result['bad']} error responses)"
                )


if __name__ == "__main__":
    main()
