"""The registration journey against the stack's floor, and on a fresh event against one with
50,000 registrations.

    .venv/bin/python bench/journey.py [--seconds 10] [--connections 16] [--workers 4] [--rounds 3]

A journey is what a person does: GET the form, POST it, GET the page the POST leads to.
Each of 16 users (wrk, one connection per thread, `bench/journey.lua`) walks it again and
again for `--seconds`. Served by gunicorn with `--workers` sync workers, on SQLite and on
PostgreSQL, in interleaved rounds of:

- the floor (`bench/floor_app.py`): Flask-WTF form with CSRF, one INSERT, the row read back;
- eventapp on a fresh event;
- eventapp on an event that already has `--big` registrations.

Prints journeys per second (median of the rounds, with their range), the ratios eventapp /
floor and big / fresh, broken journeys, and checks that every journey saved one row.
Needs `wrk` (`make bench`).
"""

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from registration_throughput import FILL_SECONDS, gunicorn, run_python, wait_for
from throwaway import migrated_env

ROOT = Path(__file__).resolve().parent.parent

SETUP_EVENTS = """
import sys
from datetime import time
from eventapp import create_app
from eventapp.extensions import db
from bench.throwaway import confirmed_registrations, published_event
from tests import factories
app = create_app()
with app.app_context():
    admin, fresh = published_event("Webinar baru", "webinar", time(9), time(11))
    big = factories.event(fresh.organization, None, True, title="Webinar nasional", kind="webinar",
                          venue_capacity=None)
    confirmed_registrations(big, int(sys.argv[1]), name="Peserta lama {n:05d}")
    db.session.commit()
    print(fresh.slug, big.slug)
"""

COUNT = """
import sys
from sqlalchemy import func, select
from eventapp import create_app
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.registration.models import Registration
with create_app().app_context():
    event = db.session.scalar(select(Event).where(Event.slug == sys.argv[1]))
    print(db.session.scalar(select(func.count(Registration.id)).where(Registration.event_id == event.id)))
"""

EVENTAPP_BODY = (
    "csrf_token={token}&name=Peserta+Uji+Beban&phone=%s&gender=L&occupation=petani&kabupaten="
    "&kim_id=-1&institution=Kantor+Desa&position=Staf&consent=y&nickname=&shown_at={shown}"
)
FLOOR_BODY = (
    "csrf_token={token}&name=Peserta+Uji+Beban&phone=%s&gender=L&occupation=petani&kabupaten="
    "&kim_id=&institution=Kantor+Desa&position=Staf&consent=y"
)


def visit(base: str, form_path: str) -> tuple[str, str, str]:
    """(CSRF token, cookie header, signed form time) from one real visit to the form."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}{form_path}").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    shown = re.search(r'name="shown_at" type="hidden" value="([^"]+)"', page)
    return token, "; ".join(f"{c.name}={c.value}" for c in jar), shown.group(1) if shown else ""


def journeys(base: str, form_path: str, body: str, cookie: str, run: int, args) -> tuple[float, int, int]:
    """(journeys per second, journeys, broken) for one wrk run (`run`: 0-9, in the numbers typed)."""
    env = {"BENCH_FORM": form_path, "BENCH_POST": form_path, "BENCH_COOKIE": cookie, "BENCH_BODY": body}
    env["BENCH_RUN"] = str(run)
    command = ["wrk", f"-t{args.connections}", f"-c{args.connections}", f"-d{args.seconds}s"]
    command += ["-s", str(ROOT / "bench" / "journey.lua"), f"{base}{form_path}"]
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    done = int(re.search(r"journeys: (\d+)", output).group(1))
    broken = int(re.search(r"broken: (\d+)", output).group(1))
    return done / args.seconds, done, broken


def python(code: str, env: dict, *argv: str) -> str:
    """The last line a snippet prints, run with the app's settings in `env`."""
    command = [str(ROOT / ".venv/bin/python"), "-c", code, *argv]
    return subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


def backend(name: str, args, workdir: Path) -> None:
    env = migrated_env(name, workdir)
    run_python("from bench.floor_app import reset_table; reset_table()", env)
    fresh, big = python(SETUP_EVENTS, env, str(args.big)).split()[-2:]
    floor_process, floor_port = gunicorn("bench.floor_app:app", env, args.workers)
    app_process, app_port = gunicorn("wsgi:app", env, args.workers)
    try:
        floor, app = f"http://127.0.0.1:{floor_port}", f"http://127.0.0.1:{app_port}"
        wait_for(f"{floor}/form")
        wait_for(f"{app}/acara/{fresh}/daftar")
        runs = {
            "floor": (floor, "/form", FLOOR_BODY),
            "eventapp, fresh event": (app, f"/acara/{fresh}/daftar", EVENTAPP_BODY),
            f"eventapp, {args.big:,} registered": (app, f"/acara/{big}/daftar", EVENTAPP_BODY),
        }
        prepared = {}
        for label, (base, path, body) in runs.items():
            token, cookie, shown = visit(base, path)
            prepared[label] = (base, path, body.format(token=token, shown=shown), cookie)
        time.sleep(FILL_SECONDS)  # a person takes this long on the form; the signed time says so
        rates: dict[str, list[float]] = {label: [] for label in runs}
        totals = dict.fromkeys(runs, 0)
        broken = dict.fromkeys(runs, 0)
        for round_number in range(args.rounds):
            for n, (label, (base, path, body, cookie)) in enumerate(prepared.items()):
                rate, done, failed = journeys(base, path, body, cookie, round_number * len(runs) + n, args)
                rates[label].append(rate)
                totals[label] += done
                broken[label] += failed
    finally:
        for process in (floor_process, app_process):
            process.terminate()
            process.wait()
    labels = list(runs)
    saved = {
        labels[0]: int(run_python("from bench.floor_app import count_rows; print(count_rows())", env)[-1]),
        labels[1]: int(python(COUNT, env, fresh)),
        labels[2]: int(python(COUNT, env, big)) - args.big,
    }
    print(
        f"\n{name}: {args.rounds} interleaved rounds of {args.seconds} s, {args.connections} users, "
        f"gunicorn {args.workers} sync workers"
    )
    print(f"{'':<34} {'journeys/s':>10} {'range':>15} {'broken':>7}  every journey saved")
    median = {label: statistics.median(values) for label, values in rates.items()}
    for label, values in rates.items():
        kept = (
            "yes" if saved[label] >= totals[label] else f"no: {saved[label]} rows, {totals[label]} journeys"
        )
        spread = f"{min(values):>7.1f}–{max(values):<7.1f}"
        print(f"{label:<34} {median[label]:>10.1f} {spread} {broken[label]:>7}  {kept}")
    fresh_ratio = median[labels[1]] / median[labels[0]]
    big_ratio = median[labels[2]] / median[labels[1]]
    print(f"eventapp / floor (fresh event): {fresh_ratio:.2f}×  (target ≥ 0.30)")
    print(f"{args.big:,} registered / fresh event: {big_ratio:.2f}×  (target ≥ 0.90)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    if args.rounds > 3:
        parser.error("at most 3 rounds: each of the 9 runs types numbers of its own")
    for name in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        with tempfile.TemporaryDirectory() as folder:
            backend(name, args, Path(folder))


if __name__ == "__main__":
    main()
