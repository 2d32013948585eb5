"""Background work for certificates: mailing them, and building bulk downloads."""

from flask import current_app
from huey import crontab

from eventapp.certificates import services
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


@huey.periodic_task(crontab(minute="*"))
def sweep_bulk_jobs() -> int:
    """Every minute, start again the bulk downloads whose job was lost, and give up on those
    whose worker died (their pages offer 'coba lagi')."""
    now = utcnow()
    for job_id in services.lost_bulk_jobs(now):
        build_bulk(job_id)
    return services.fail_stale_jobs(current_app.config["EXPORT_DIR"], now)


@huey.task()
def build_bulk(job_id: int) -> None:
    """Build a 'download all' file, recording progress on the job row."""
    services.run_bulk(job_id, current_app.config["EXPORT_DIR"], current_app.config["UPLOAD_DIR"], utcnow)
