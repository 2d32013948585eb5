"""The public calendar feed with 5,000 events: SQL statements and time to produce it.

    .venv/bin/python bench/calendar_feed.py [--events 1000]

Builds a throw-away SQLite database with published events of one to three sessions each, then
fetches /kalender.ics as a calendar app would and prints the statement count, the time (median
of 5) and the size, and checks the file with the strict `ical` parser.
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import fresh_app, statement_log, timed_gets

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    app, _folder = fresh_app()

    from datetime import time as clock
    from datetime import timedelta

    from ical.calendar_stream import IcsCalendarStream

    from eventapp.dbtypes import utcnow
    from eventapp.events import services as events
    from tests import factories

    with app.app_context():
        offices = [factories.office(f"Kantor {n}") for n in range(5)]
        admin = factories.staff(None, "bench@example.org", "admin")
        zones = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
        for n in range(args.events):
            day = (utcnow() + timedelta(days=n % 200)).date()
            sessions = [
                events.SessionData(day + timedelta(days=d), clock(9), clock(12)) for d in range(1 + n % 3)
            ]
            event = events.create_event(
                admin,
                offices[n % 5],
                events.EventData(
                    title=f"Sosialisasi KIM ke-{n}",
                    kind="sosialisasi",
                    mode="luring",
                    venue_name=f"Aula {n}",
                    timezone=zones[n % 3],
                ),
                sessions,
            )
            events.publish_event(admin, event)

    statements = statement_log(app)
    client = app.test_client()
    timings, counts, raw = timed_gets(client, statements, "/kalender.ics")
    body = raw.decode()
    parsed = IcsCalendarStream.calendar_from_ics(body)
    print(
        f"/kalender.ics with {args.events} events "
        f"({len(parsed.events)} sessions, {len(parsed.timezones)} zones): "
        f"{counts[-1]} SQL statements, median {statistics.median(timings):.0f} ms of 5, "
        f"{len(body) / 1024:.0f} KiB; strict parser read it without error"
    )


if __name__ == "__main__":
    main()
