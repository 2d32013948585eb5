"""The organizers' registrant list and export for an event with 5,000 registrations.

    .venv/bin/python bench/registrants_list.py [--registrations 5000]

Builds a throw-away SQLite database, registers people through the registration service, then
renders list pages (first, last, filtered) and the XLSX export as a signed-in organizer would,
printing the number of SQL statements and the time for each. The statement count must not
grow with the number of registrations.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import fresh_app, signed_in_client, statement_log

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=5000)
    args = parser.parse_args()
    app, _folder = fresh_app()

    from datetime import time as clock
    from datetime import timedelta

    from eventapp.dbtypes import utcnow
    from eventapp.events import services as events
    from eventapp.kim import services as kim_services
    from eventapp.regions.services import find_child_by_name, import_regions
    from eventapp.registration import services as registration
    from tests import factories

    with app.app_context():
        import_regions("Kalimantan Tengah")
        kalteng = find_child_by_name(None, "provinsi", "Kalimantan Tengah")
        kotim = find_child_by_name(kalteng.id, "kabupaten", "Kotawaringin Timur")
        village = find_child_by_name(
            find_child_by_name(kotim.id, "kecamatan", "Kota Besi").id, "desa", "Camba"
        )
        org = factories.office("Bench", kotim.id)
        user = factories.staff(org, "bench@example.org", "organizer", password="bench-password")
        kims = [
            kim_services.create_kim(user, org, kim_services.KimData(f"KIM {n}", f"B-{n}", village.id))
            for n in range(20)
        ]
        day = (utcnow() + timedelta(days=3)).date()
        event = events.create_event(
            user,
            org,
            events.EventData(
                title="Webinar besar",
                kind="webinar",
                mode="hibrida",
                venue_name="Aula",
                venue_capacity=500,
                online_capacity=None,
            ),
            [events.SessionData(day, clock(9), clock(11))],
        )
        events.publish_event(user, event)
        started = time.perf_counter()
        for n in range(args.registrations):
            registration.register(
                event,
                registration.RegistrantData(
                    name=f"Peserta {n}",
                    phone=f"0813{n:08d}",
                    gender="LP"[n % 2],
                    occupation="petani",
                    kim_id=kims[n % 20].id,
                    attendance_mode=("luring", "daring")[n % 3 == 0],
                    consent=True,
                ),
                utcnow(),
            )
        seconds = time.perf_counter() - started
        print(
            f"{args.registrations} registrations through the service: {seconds:.1f} s "
            f"({seconds / args.registrations * 1000:.2f} ms each, sequential, SQLite)"
        )
        event_id, email = event.id, user.email

    client = signed_in_client(app, email)
    statements = statement_log(app)
    pages = {
        "list, page 1": f"/kelola/acara/{event_id}/peserta",
        "list, last page": f"/kelola/acara/{event_id}/peserta?page={-(-args.registrations // 50)}",
        "list, waitlisted + luring": f"/kelola/acara/{event_id}/peserta?status=waitlisted&moda=luring",
        "list, search by name": f"/kelola/acara/{event_id}/peserta?q=peserta+4999",
        "recap": f"/kelola/acara/{event_id}/rekap",
        "XLSX export, all rows": f"/kelola/acara/{event_id}/peserta/ekspor.xlsx",
    }
    print(f"{'page':<28} {'SQL statements':>15} {'median ms':>10}  (5 runs)")
    for label, url in pages.items():
        timings = []
        for _ in range(5):
            statements.clear()
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<28} {len(statements):>15} {statistics.median(timings):>10.1f}")


if __name__ == "__main__":
    main()
