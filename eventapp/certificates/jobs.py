"""Background work for certificates: mailing them, and building bulk downloads."""

from flask import current_app
from huey import crontab

from eventapp.certificates import bulk, services
from eventapp.certificates.models import BulkJob
from eventapp.dbtypes import utcnow
from eventapp.extensions import huey


@huey.task()
def mail_certificates(certificate_ids: list[int]) -> int:
    """E-mail newly issued certificates to their holders, each with its PDF."""
    return services.mail_certificates(certificate_ids, current_app.config["UPLOAD_DIR"], utcnow())


@huey.periodic_task(crontab(minute="*"))
def sweep_certificate_mail() -> int:
    """Every minute, mail the certificates whose mail job was lost."""
    return services.mail_certificates(None, current_app.config["UPLOAD_DIR"], utcnow())


def queue_bulk(job: BulkJob) -> None:
    """Queue a task per part of a bulk download just asked for; free workers take them."""
    for part in job.parts:
        build_bulk_part(part.id)


# Bulk downloads are long and nobody waits for them to the second: they yield to messages
# (registration codes, confirmations) and to every other task.
BULK_PRIORITY = -10


@huey.task(priority=BULK_PRIORITY)
def build_bulk_part(part_id: int) -> None:
    """Build one part of a bulk download (and join the parts if it is the last)."""
    bulk.run_part(part_id, current_app.config["EXPORT_DIR"], current_app.config["UPLOAD_DIR"], utcnow)


@huey.task(priority=BULK_PRIORITY)
def join_bulk(job_id: int) -> None:
    """Join a bulk download's parts again, after the worker that was joining them died."""
    bulk.join(job_id, current_app.config["EXPORT_DIR"], utcnow)


@huey.periodic_task(crontab(minute="*"))
def sweep_bulk_jobs() -> int:
    """Every minute, queue again the parts and joins of bulk downloads that lost their worker
    or their task, and give up on those nothing has moved for long (their pages offer 'coba
    lagi'). Returns how many were given up on."""
    found = bulk.recover(current_app.config["EXPORT_DIR"], utcnow())
    for part_id in found.parts:
        build_bulk_part(part_id)
    for job_id in found.joins:
        join_bulk(job_id)
    return found.failed
