"""A migrated throw-away SQLite database and the app bound to it, for the in-process benchmarks."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def use_folder(workdir: Path) -> None:
    """Point the app's settings (database, queue, uploads, exports) at `workdir`."""
    os.environ.update(
        EVENTAPP_INSTANCE=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite'}",
        HUEY_URL=f"sqlite:///{workdir / 'jobs.sqlite'}",
        MAIL_BACKEND="dummy",
        RATELIMIT_ENABLED="0",
        UPLOAD_DIR=str(workdir / "uploads"),
        EXPORT_DIR=str(workdir / "exports"),
    )
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def fresh_app(workdir: Path | None = None):
    """(app, folder) on a new database that has all migrations applied."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    use_folder(workdir)
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "--app", "eventapp", "db", "upgrade"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    from eventapp import create_app

    return create_app(), workdir


PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_URL = "postgresql://postgres@127.0.0.1:5432/eventapp_bench"
BENCH_JOBS_URL = "redis://127.0.0.1:6379/15"


def fresh_postgres() -> None:
    """Recreate the benchmarks' own PostgreSQL database (the tests' database stays untouched)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS eventapp_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE eventapp_bench")


def migrated_env(backend: str, workdir: Path) -> dict:
    """Environment for app processes (gunicorn, setup scripts) on a new, migrated database:
    a SQLite file in `workdir`, or the eventapp_bench PostgreSQL database. Rate limits are off,
    since a load test sends everything from one address. Jobs go to Redis, as in production
    (a database of their own, emptied first; no worker takes them)."""
    import redis

    redis.Redis.from_url(BENCH_JOBS_URL).flushdb()
    env = dict(
        os.environ,
        SECRET_KEY="bench",
        RATELIMIT_ENABLED="0",
        EVENTAPP_INSTANCE=str(workdir),
        HUEY_URL=BENCH_JOBS_URL,
        MAIL_BACKEND="dummy",
        FLASK_APP="eventapp",
    )
    if backend == "postgresql":
        fresh_postgres()
        env["DATABASE_URL"] = PG_BENCH_URL
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite'}"
    subprocess.run(
        [str(ROOT / ".venv/bin/flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return env


def published_event(title: str, kind: str, start, end, **office):
    """(admin, event): an office (Kotim's name and signatory unless told otherwise), an admin and
    a published in-person event tomorrow from `start` to `end`, with unlimited seats."""
    from datetime import timedelta

    from eventapp.dbtypes import utcnow
    from eventapp.events import services as events
    from tests import factories

    fields = {
        "signatory_name": "Marjuki, S.Sos., M.AP.",
        "signatory_title": "Kepala Dinas",
        "signatory_nip": "197305121993031004",
        **office,
    }
    org = factories.office(**fields)
    admin = factories.staff(None, "a@example.org", "admin")
    day = (utcnow() + timedelta(days=1)).date()
    event = factories.event(
        org,
        [events.SessionData(day, start, end)],
        title=title,
        kind=kind,
        venue_name="Aula Diskominfo Kotim",
        venue_capacity=None,
    )
    return admin, event


def confirmed_registrations(event, count: int, name: str = "Peserta {n:04d}") -> None:
    """Write `count` confirmed, phone-only registrations for `event` in one INSERT (no messages),
    and the event's seat counts to match: the size a benchmark needs, without timing the
    registration service. Their numbers (+62811…) are never the ones a load test types."""
    from sqlalchemy import insert

    from eventapp.dbtypes import utcnow
    from eventapp.events.models import Event
    from eventapp.extensions import db
    from eventapp.registration.models import Registration
    from eventapp.registration.services import new_code, new_token

    if not count:
        return
    now = utcnow()
    codes: set[str] = set()
    while len(codes) < count:  # 50,000 random codes would meet themselves now and then
        codes.add(new_code())
    db.session.execute(
        insert(Registration),
        [
            {
                "event_id": event.id,
                "code": code,
                "token": new_token(),
                "name": name.format(n=n),
                "phone": f"+62811{n:08d}",
                "gender": "L",
                "occupation": "petani",
                "institution": "Desa",
                "attendance_mode": "luring",
                "status": "confirmed",
                "source": "online",
                "queue_number": n + 1,
                "created_at": now,
            }
            for n, code in enumerate(codes)
        ],
    )
    db.session.execute(
        Event.__table__.update()
        .where(Event.__table__.c.id == event.id)
        .values(queue_last=count, confirmed_luring=count)
    )


def signed_in_client(app, email: str, password: str = "bench-password"):
    """A test client signed in as `email`, the way the login form is used."""
    import re

    client = app.test_client()
    page = client.get("/kelola/masuk").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/kelola/masuk", data={"csrf_token": token, "email": email, "password": password})
    return client


def statement_log(app) -> list[str]:
    """A list every SQL statement the app runs from now on is added to."""
    from sqlalchemy import event as sa_event

    from eventapp.extensions import db

    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def timed_gets(
    client, statements: list[str], url: str, runs: int = 5
) -> tuple[list[float], list[int], bytes]:
    """GET `url` `runs` times through `client`, reading each body whole: the milliseconds of
    each, the SQL statements each ran (`statements` is a `statement_log`), and the last body."""
    timings, counts, body = [], [], b""
    for _ in range(runs):
        statements.clear()
        started = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        timings.append((time.perf_counter() - started) * 1000)
        counts.append(len(statements))
        assert response.status_code == 200, (url, response.status_code)
    return timings, counts, body
