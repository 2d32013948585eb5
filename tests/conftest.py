"""Shared fixtures: the app on SQLite and on PostgreSQL, a real SMTP server, small factories.

Every test that uses `app` runs twice, once per database. The schema comes from the committed
migrations (never create_all). PostgreSQL is the one at DATABASE_URL_TEST or the local
default; when it cannot be reached its tests are skipped on a laptop, and fail in CI
(EVENTAPP_REQUIRE_POSTGRES=1 or CI=true).
"""

import os
import re
import socket
import tempfile
import threading
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

_instance = Path(tempfile.mkdtemp(prefix="eventapp-test-"))
os.environ["EVENTAPP_INSTANCE"] = str(_instance)
os.environ["HUEY_URL"] = f"sqlite:///{_instance / 'jobs.sqlite'}"

from aiosmtpd.controller import Controller  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from eventapp import create_app  # noqa: E402
from eventapp.accounts.models import Role  # noqa: E402
from eventapp.dbtypes import utcnow  # noqa: E402
from eventapp.extensions import db as _db  # noqa: E402
from eventapp.extensions import limiter  # noqa: E402
from eventapp.kim import services as kim_services  # noqa: E402
from eventapp.outbox import services as outbox  # noqa: E402
from eventapp.regions.models import Region, RegionLevel  # noqa: E402
from eventapp.regions.services import find_child_by_name, import_regions  # noqa: E402
from tests import factories  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402
from tests.fake_whatsapp import VERSION, CloudApi  # noqa: E402

POSTGRES_URL = os.environ.get("DATABASE_URL_TEST", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
POSTGRES_REQUIRED = os.environ.get("EVENTAPP_REQUIRE_POSTGRES") == "1" or os.environ.get("CI") == "true"


class Mailbox:
    """Collects what a real SMTP server on loopback receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="session")
def smtp_server():
    handler = Mailbox()
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller
    controller.stop()


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return str(exc).splitlines()[0]
    return None


def _fresh_postgres() -> None:
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


_apps: dict = {}


def _build_app(backend: str, smtp_server):
    if backend == "postgresql":
        problem = _postgres_reachable()
        if problem:
            message = f"PostgreSQL at {POSTGRES_URL} is unreachable: {problem}"
            if POSTGRES_REQUIRED:
                pytest.fail(message, pytrace=False)
            pytest.skip(message + " (set EVENTAPP_REQUIRE_POSTGRES=1 to make this an error)")
        _fresh_postgres()
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{_instance / 'test.sqlite'}"
        Path(_instance / "test.sqlite").unlink(missing_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "HUEY_IMMEDIATE": True,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "UPLOAD_DIR": _instance / "uploads",
            "EXPORT_DIR": _instance / "exports",
            # Offices without a WhatsApp number of their own: messages become files (see `whatsapp`).
            "WHATSAPP_FILE_PATH": str(WHATSAPP_DIR),
            "BASE_URL": "http://eventapp.test",
            # Tests post a form right after loading it; the bot tests set the real minimum.
            "FORM_MIN_FILL_SECONDS": 0,
            # Tests look at pages right after changing what they show; the cache has its own test.
            "PAGE_CACHE_SECONDS": 0,
            "SERVER_NAME": None,
        }
    )
    app.config["BACKEND"] = backend
    with app.app_context():
        upgrade()
        import_regions("Kalimantan Tengah")
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, smtp_server):
    backend = request.param
    if backend not in _apps:
        _apps[backend] = _build_app(backend, smtp_server)
    application = _apps[backend]
    with application.app_context():
        yield application
        _db.session.rollback()
        _db.session.remove()
        # Regions are reference data loaded once per session; everything else starts empty.
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                if table.name != "regions":
                    connection.execute(table.delete())
            connection.execute(
                text("DELETE FROM regions WHERE level = 'provinsi' AND name <> 'Kalimantan Tengah'")
            )
        limiter.reset()


@pytest.fixture
def db(app):
    return _db


WHATSAPP_DIR = _instance / "whatsapp"


class WhatsAppMessage:
    def __init__(self, path: Path):
        head, _blank, self.text = path.read_text(encoding="utf-8").partition("\n\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines())
        self.to, self.template = fields["Kepada"], fields["Templat"]
        self.attachment = fields.get("Lampiran")
        self.text = self.text.strip()

    def __repr__(self) -> str:
        return f"<WhatsApp {self.template} to {self.to}>"


class WhatsAppFiles:
    """What left by WhatsApp through the development backend, oldest first."""

    def clear(self) -> None:
        for path in WHATSAPP_DIR.glob("*"):
            path.unlink()

    def messages(self) -> list[WhatsAppMessage]:
        return [WhatsAppMessage(p) for p in sorted(WHATSAPP_DIR.glob("*.txt"))]

    def to(self, phone: str) -> list[str]:
        """The templates sent to one number."""
        return [m.template for m in self.messages() if m.to == phone]


@pytest.fixture
def whatsapp():
    box = WhatsAppFiles()
    box.clear()
    return box


# The app secret of the office's Meta app: it signs the status webhooks.
WHATSAPP_APP_SECRET = "meta-app-secret-0123"


@pytest.fixture
def cloud(app):
    """A local server speaking Meta's Cloud API, which the app calls instead of graph.facebook.com."""
    server = CloudApi().start()
    previous = app.config["WHATSAPP_CLOUD_API_BASE"]
    app.config["WHATSAPP_CLOUD_API_BASE"] = f"{server.url}/{VERSION}"
    yield server
    app.config["WHATSAPP_CLOUD_API_BASE"] = previous
    server.stop()


@pytest.fixture
def office(make_org, make_user, cloud):
    """An office whose WhatsApp number is on the Cloud API (the local server)."""
    org = make_org()
    account = outbox.save_whatsapp_account(
        org.id,
        outbox.AccountData(
            provider="cloud_api",
            phone_number_id=cloud.phone_number_id,
            access_token=cloud.token,
            app_secret=WHATSAPP_APP_SECRET,
            max_per_second=80,
        ),
        utcnow(),
    )
    return {"org": org, "user": make_user(org), "account": account}


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.handler.messages.clear()
    return smtp_server.handler.messages


class RequestIsolatingClient(FlaskClient):
    """Runs each request in an application context of its own, as a server does.

    Tests hold an app context for their own database work; without this, requests would share
    its `g` (the signed-in user, the chosen language) and its session. After each request the
    test's session forgets what it had loaded, so assertions read what the request wrote.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = RequestIsolatingClient
    return app.test_client()


def csrf_token(client, url: str) -> str:
    """The CSRF token of the form on `url`, as a browser would have it."""
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def form_tokens(client, url: str) -> dict:
    """The hidden fields a browser sends back with a form on `url`: the CSRF token, and the
    signed time the form was shown where the form has one (HumanCheck)."""
    page = client.get(url).get_data(as_text=True)
    tokens = {}
    for name in ("csrf_token", "shown_at"):
        match = re.search(rf'name="{name}" type="hidden" value="([^"]+)"', page) or re.search(
            rf'name="{name}" value="([^"]+)"', page
        )
        if match:
            tokens[name] = match.group(1)
    assert "csrf_token" in tokens, f"no CSRF token on {url}"
    return tokens


def at_once(app, actions: list) -> list[BaseException]:
    """Run each action in a thread of its own, as a request or a worker of its own would (its
    own application context and database session), all let go at the same moment; returns
    what they raised."""
    barrier = threading.Barrier(len(actions))
    raised: list[BaseException] = []

    def run(action) -> None:
        with app.test_request_context():
            try:
                barrier.wait(timeout=30)
                action()
            except Exception as exc:  # returned to the test, which says what it expects
                raised.append(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return raised


def post_form(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    """Submit a form the way a browser does: load the page, then post with its hidden tokens."""
    return client.post(url, data={**form_tokens(client, form_url or url), **data}, **kwargs)


@pytest.fixture
def login(client):
    def do_login(user, password: str = PASSWORD):
        response = post_form(client, "/kelola/masuk", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do_login


@pytest.fixture
def count_commits(app):
    """Context manager listing the transactions committed while it is open, each as the names
    of the models it wrote: one action of a service is one unit of work. The delivery job's
    own commits (outbox rows only, run at once in tests) are left out."""

    @contextmanager
    def counting():
        commits: list[list[str]] = []
        written: set[str] = set()

        def flushed(session, flush_context):
            written.update(type(o).__name__ for o in (*session.new, *session.dirty, *session.deleted))

        def committed(session):
            if written - {"OutboxMessage"}:
                commits.append(sorted(written))
            written.clear()

        def rolled_back(session):
            written.clear()

        hooks = (("after_flush", flushed), ("after_commit", committed), ("after_rollback", rolled_back))
        for name, hook in hooks:
            event.listen(Session, name, hook)
        try:
            yield commits
        finally:
            for name, hook in hooks:
                event.remove(Session, name, hook)

    return counting


@pytest.fixture
def count_queries(app):
    """Context manager counting the SQL statements sent while it is open."""

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(_db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(_db.engine, "before_cursor_execute", record)

    return counting


def region(path: str) -> Region:
    """'Kotawaringin Timur/Kota Besi/Kota Besi Hulu' → that region (below Kalimantan Tengah)."""
    current = find_child_by_name(None, RegionLevel.PROVINSI, "Kalimantan Tengah")
    levels = [RegionLevel.KABUPATEN, RegionLevel.KECAMATAN, RegionLevel.DESA]
    for level, name in zip(levels, path.split("/"), strict=False):
        current = find_child_by_name(current.id, level, name)
        assert current is not None, f"{name} not found"
    return current


@pytest.fixture
def make_org(app):
    def make(name=factories.KOTIM, area="Kotawaringin Timur", **overrides):
        return factories.office(name, region(area).id, **overrides)

    return make


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(org=None, role=Role.ORGANIZER, email=None, **overrides):
        return factories.staff(org, email or f"user{next(counter)}@example.org", role, **overrides)

    return make


@pytest.fixture
def make_kim(app):
    counter = iter(range(1, 10_000))

    def make(org, village="Kotawaringin Timur/Kota Besi/Kota Besi Hulu", members=0, chair=False, **overrides):
        """A KIM with `members` members; with `chair`, the first is its ketua."""
        actor = factories.system_actor()
        n = next(counter)
        data = kim_services.KimData(
            name=overrides.pop("name", f"KIM Uji {n}"),
            registration_number=overrides.pop("registration_number", f"KIM-UJI-{n:03d}"),
            village_id=region(village).id,
            **overrides,
        )
        kim = kim_services.create_kim(actor, org, data)
        for m in range(members):
            kim_services.add_member(
                actor,
                kim,
                kim_services.MemberData(
                    name=f"Anggota {n}-{m}",
                    gender="L" if m % 2 else "P",
                    position="ketua" if chair and m == 0 else "anggota",
                    phone=f"08139{n:03d}{m:04d}",
                ),
                utcnow(),
            )
        return kim

    return make


@pytest.fixture
def make_event(app):
    """A published event (a sosialisasi tomorrow, 09.00–12.00 WIB, 50 seats) unless told otherwise."""
    counter = iter(range(1, 10_000))

    def make(org, sessions=None, publish=True, **overrides):
        return factories.event(
            org, sessions, publish, **{"title": f"Sosialisasi Uji {next(counter)}", **overrides}
        )

    return make


def mail_text(message) -> str:
    """The plain-text body of a received e-mail, whether or not it carries a calendar part."""
    return message.get_body(preferencelist=("plain",)).get_content()
