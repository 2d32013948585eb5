"""Background delivery of the outbox: a job per committed unit of work (in chunks), and a
sweep that retries."""

import logging
from datetime import datetime

from huey import crontab

from eventapp.dbtypes import utcnow
from eventapp.extensions import db, huey
from eventapp.outbox import services
from eventapp.outbox.models import OutboxMessage

log = logging.getLogger(__name__)


# A broadcast commits thousands of messages at once: they go to the queue as a few jobs.
CHUNK = 200


@huey.task()
def deliver_messages(message_ids: list[int]) -> int:
    """Send queued messages right after the change that wrote them has committed; how many went."""
    return sum(services.deliver(message_id, utcnow()) for message_id in message_ids)


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
    pending and the sweep sends them, so the caller's work never fails for a message."""
    ids = [message.id for message in messages]
    for start in range(0, len(ids), CHUNK):
        try:
            deliver_messages(ids[start : start + CHUNK])
        except Exception:  # the sweep is the fallback
            log.warning("could not enqueue outbox messages %s…", ids[start], exc_info=True)
