"""The periodic reminder run."""

from huey import crontab

from eventapp.calendar import services
from eventapp.dbtypes import utcnow
from eventapp.extensions import huey


@huey.periodic_task(crontab(minute="*/5"))
def send_reminders() -> int:
    """Every five minutes, queue the reminders that have come due."""
    return services.send_due_reminders(utcnow())
