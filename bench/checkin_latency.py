"""Check-in latency at the door with 5,000 registrants, over HTTP to gunicorn.

    .venv/bin/python bench/checkin_latency.py [--registrants 5000] [--checkins 300]

Fills a throw-away database (SQLite, then PostgreSQL's eventapp_bench database) with an event
of 5,000 confirmed registrants, starts gunicorn, signs in as door staff and posts one scanned
code after another, as a desk does. Prints the median, 95th and 99th percentile per request.
"""

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registration_throughput import BIN, ROOT, gunicorn, wait_for
from throwaway import migrated_env

SETUP = """
import sys
from datetime import time, timedelta
from sqlalchemy import insert
from eventapp import create_app
from eventapp.dbtypes import utcnow
from tests import factories
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.registration.models import Registration
from eventapp.registration.services import new_code, new_token

count = int(sys.argv[1])
app = create_app()
with app.app_context():
    org = factories.office("Bench")
    password = "bench-password"
    factories.staff(org, "pintu@example.org", "checkin", password=password)
    admin = factories.staff(None, "a@example.org", "admin", password=password)
    event = factories.event(org, title="Sosialisasi besar", venue_name="Stadion", venue_capacity=None)
    factories.under_way(event.sessions[0])  # the desk records attendance on the session's day
    now = utcnow()
    rows = [dict(event_id=event.id, code=new_code(), token=new_token(), name=f"Peserta {n}",
                 phone=f"+62813{n:08d}", gender="L", occupation="petani", institution="Desa",
                 attendance_mode="luring", status="confirmed", source="online", queue_number=n + 1,
                 created_at=now, consent_at=now) for n in range(count)]
    db.session.execute(insert(Registration), rows)
    db.session.commit()
    print(event.id)
    for row in rows:
        print(row["code"])
"""


def run(backend: str, args, workdir: Path) -> list[float]:
    env = migrated_env(backend, workdir)
    lines = subprocess.run(
        [str(BIN / "python"), "-c", SETUP, str(args.registrants)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    event_id, codes = lines[0], lines[1:]
    process, port = gunicorn("wsgi:app", env, 2)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/kelola/masuk")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

        def token(url: str) -> str:
            page = opener.open(url).read().decode()
            return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

        login = urllib.parse.urlencode(
            {
                "csrf_token": token(f"{base}/kelola/masuk"),
                "email": "pintu@example.org",
                "password": "bench-password",
            }
        ).encode()
        opener.open(f"{base}/kelola/masuk", login).read()
        desk = f"{base}/kelola/acara/{event_id}/presensi"
        csrf = token(desk)
        timings = []
        for code in codes[: args.checkins]:
            body = urllib.parse.urlencode({"csrf_token": csrf, "code": code}).encode()
            started = time.perf_counter()
            page = opener.open(desk, body).read().decode()
            timings.append((time.perf_counter() - started) * 1000)
            assert "Tercatat hadir" in page, page[-500:]
        return timings
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, default=5000)
    parser.add_argument("--checkins", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eventapp-bench-") as tmp:
        for backend in ("sqlite", "postgresql"):
            workdir = Path(tmp) / backend
            workdir.mkdir()
            timings = sorted(run(backend, args, workdir))
            p95, p99 = timings[int(len(timings) * 0.95) - 1], timings[int(len(timings) * 0.99) - 1]
            print(
                f"check-in POST, {backend:<10} {args.registrants} registrants, {len(timings)} scans: "
                f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
                f"max {timings[-1]:.1f} ms"
            )


if __name__ == "__main__":
    main()
