"""The organizers' registrant list, recap and exports at 1,000 and at 50,000 registrations.

    .venv/bin/python bench/registrants_list.py [--sizes 1000,50000]

Builds a throw-away SQLite database with one event per size (registrations written in bulk),
then opens list pages (first, last, filtered, searched), the recap and both exports as a
signed-in organizer would, printing the SQL statements, the median time of 5 runs with the
range, and for the exports the peak Python memory. Statement counts must not grow with the
number of registrations, and the exports' memory must stay flat.
"""

import argparse
import statistics
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import (
    confirmed_registrations,
    fresh_app,
    published_event,
    signed_in_client,
    statement_log,
    timed_gets,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,50000")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    app, _folder = fresh_app()

    from datetime import time as clock

    from eventapp.extensions import db
    from tests import factories

    with app.app_context():
        _admin, first = published_event("Webinar 0", "webinar", clock(9), clock(11))
        user = factories.staff(
            first.organization, "bench@example.org", "organizer", password="bench-password"
        )
        events = {}
        for size in sizes:
            event = factories.event(
                first.organization, None, True, title=f"Webinar {size}", venue_capacity=None
            )
            confirmed_registrations(event, size, name="Peserta {n:05d}")
            events[size] = event.id
        db.session.commit()
        email = user.email

    client = signed_in_client(app, email)
    statements = statement_log(app)
    columns = f"{'statements':>10} {'median ms':>10} {'range ms':>17} {'peak MB':>8}"
    print(f"{'registrations':>13} {'page':<28} {columns}")
    for size, event_id in events.items():
        base = f"/kelola/acara/{event_id}"
        pages = {
            "list, page 1": f"{base}/peserta",
            "list, last page": f"{base}/peserta?page={-(-size // 50)}",
            "list, search by name": f"{base}/peserta?q=peserta+00999",
            "list, waiting list": f"{base}/peserta?status=waitlisted",
            "recap": f"{base}/rekap",
            "export, XLSX": f"{base}/peserta/ekspor.xlsx",
            "export, CSV": f"{base}/peserta/ekspor.csv",
        }
        for label, url in pages.items():
            timings, counts, _body = timed_gets(client, statements, url)
            peak = ""
            if label.startswith("export"):
                # What the app holds while sending: the body is read as a browser would and let go.
                tracemalloc.start()
                streamed = client.get(url, buffered=False)
                for _chunk in streamed.iter_encoded():
                    pass
                streamed.close()
                peak = f"{tracemalloc.get_traced_memory()[1] / 2**20:.1f}"
                tracemalloc.stop()
            spread = f"{min(timings):.1f}–{max(timings):.1f}"
            median = statistics.median(timings)
            print(f"{size:>13,} {label:<28} {max(counts):>10} {median:>10.1f} {spread:>17} {peak:>8}")


if __name__ == "__main__":
    main()
