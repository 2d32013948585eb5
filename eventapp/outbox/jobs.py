"""Background delivery of the outbox: one job per new message, and a sweep that retries."""

import logging
from datetime import datetime

from huey import crontab

from eventapp.dbtypes import utcnow
from eventapp.extensions import db, huey
from eventapp.outbox import services
from eventapp.outbox.models import OutboxMessage

log = logging.getLogger(__name__)


@huey.task()
def deliver_message(message_id: int) -> bool:
    """Send one queued e-mail right after the change that wrote it has committed."""
    return services.deliver(message_id, utcnow())


@huey.periodic_task(crontab(minute="*"))
def sweep_outbox() -> int:
    """Every minute, retry what is due and pick up messages whose job was lost."""
    return sweep(utcnow())


def sweep(now: datetime) -> int:
    """Try every message that is due at `now` once; how many were tried."""
    ids = services.due_message_ids(now)
    for message_id in ids:
        services.deliver(message_id, now)
    return len(ids)


def commit() -> None:
    """End a unit of work: commit it, then hand every message it queued to the delivery job.
    Services and the features reacting to their signals only queue; this is the one place
    that sends, and only after the change is saved."""
    queued = services.take_queued()
    db.session.commit()
    send_committed(*queued)


def send_committed(*messages: OutboxMessage) -> None:
    """Hand committed messages to the queue. Should the queue be unreachable, the rows stay
    pending and the sweep sends them, so the caller's work never fails for mail."""
    for message in messages:
        try:
            deliver_message(message.id)
        except Exception:  # the sweep is the fallback
            log.warning("could not enqueue outbox message %s", message.id, exc_info=True)
