"""A broadcast to 5,000 registrants: how fast it is accepted, and the rate it is delivered at.

    .venv/bin/python bench/broadcast.py [--registrations 5000] [--rounds 3] [--rate 80] [--deliver 800]

On a throw-away SQLite database with an office whose WhatsApp number goes through a local
server speaking the Cloud API contract, an organizer sends "Kirim pesan ke peserta" to every
registrant (all phone-only, so each gets one WhatsApp message). Printed per round:

- accepted: the broadcast service from the click to its commit, with every outbox row written
  and the delivery jobs enqueued (what the organizer waits for);
- delivered: a worker sending the first --deliver messages through the provider, paced at the
  number's configured rate (--rate messages per second), as messages per second.

Medians and ranges over the rounds follow.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import confirmed_registrations, fresh_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrations", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=int, default=80)
    parser.add_argument("--deliver", type=int, default=800)
    args = parser.parse_args()
    app, _folder = fresh_app()

    from sqlalchemy import select

    from eventapp.broadcasts import services as broadcasts
    from eventapp.dbtypes import utcnow
    from eventapp.extensions import db
    from eventapp.outbox import services as outbox
    from eventapp.outbox.models import OutboxMessage, OutboxStatus
    from tests import factories
    from tests.fake_whatsapp import VERSION, CloudApi

    cloud = CloudApi().start()
    app.config["WHATSAPP_CLOUD_API_BASE"] = f"{cloud.url}/{VERSION}"
    accepted, delivered = [], []
    with app.app_context():
        org = factories.office("Bench", None)
        user = factories.staff(org, "bench@example.org", "organizer", password="bench-password")
        outbox.save_whatsapp_account(
            org.id,
            outbox.AccountData(
                provider="cloud_api",
                phone_number_id=cloud.phone_number_id,
                access_token=cloud.token,
                app_secret="bench-secret",
                max_per_second=args.rate,
            ),
            utcnow(),
        )
        event = factories.event(org, venue_capacity=None)
        confirmed_registrations(event, args.registrations)
        db.session.commit()
        for round_ in range(1, args.rounds + 1):
            started = time.perf_counter()
            broadcast = broadcasts.send(
                user,
                event,
                broadcasts.Audience(),
                f"Pengumuman ke-{round_}: materi sudah diunggah.",
                f"bench-{round_}",
                utcnow(),
            )
            accepted.append(time.perf_counter() - started)
            db.session.expire_all()
            ids = list(
                db.session.scalars(
                    select(OutboxMessage.id)
                    .where(OutboxMessage.status == OutboxStatus.PENDING)
                    .order_by(OutboxMessage.id)
                    .limit(args.deliver)
                )
            )
            started = time.perf_counter()
            sent = sum(outbox.deliver(i, utcnow()) for i in ids)
            delivered.append(sent / (time.perf_counter() - started))
            print(
                f"round {round_}: {broadcast.recipients} recipients accepted in {accepted[-1] * 1000:.0f} ms "
                f"({accepted[-1] / broadcast.recipients * 1e6:.0f} µs each); "
                f"{sent} delivered at {delivered[-1]:.1f}/s (limit {args.rate}/s)"
            )
    cloud.stop()

    def line(name: str, values: list[float], unit: str) -> str:
        spread = f"{min(values):.1f}–{max(values):.1f}"
        return f"{name}: median {statistics.median(values):.1f} {unit} (range {spread})"

    print(line("accepted", [a * 1000 for a in accepted], "ms"))
    print(
        line("delivery rate", delivered, "messages/s")
        + f", {statistics.median(delivered) / args.rate:.2f}× the limit"
    )


if __name__ == "__main__":
    main()
