"""Background work for certificates: mailing them, and building bulk downloads."""

from flask import current_app
from flask_babel import gettext as _
from huey import crontab

from eventapp.certificates import services
from eventapp.certificates.models import Certificate
from eventapp.dbtypes import utcnow
from eventapp.extensions import db, huey
from eventapp.outbox.jobs import send_committed
from eventapp.outbox.services import queue_email


@huey.task()
def mail_certificates(certificate_ids: list[int]) -> int:
    """E-mail each newly issued certificate whose holder (participant, speaker, moderator or
    panitia) has an address, as a PDF."""
    upload_dir = current_app.config["UPLOAD_DIR"]
    sent = []
    for certificate in db.session.scalars(db.select(Certificate).where(Certificate.id.in_(certificate_ids))):
        address = certificate.holder_email
        if not address:
            continue
        pdf = services.render([certificate], certificate.event, upload_dir)
        body = "\n\n".join(
            [
                _("Halo %(name)s,", name=certificate.holder_name),
                _(
                    "Terlampir sertifikat Anda untuk %(title)s, nomor %(number)s.",
                    title=certificate.event.title,
                    number=certificate.number,
                ),
                _("Keaslian sertifikat dapat diperiksa di %(url)s", url=services.verify_url(certificate)),
            ]
        )
        message = queue_email(
            address,
            _("Sertifikat: %(title)s", title=certificate.event.title),
            body,
            attachment=(f"sertifikat-{certificate.code}.pdf", pdf),
        )
        db.session.commit()
        sent.append(message)
    send_committed(*sent)
    return len(sent)


@huey.periodic_task(crontab(minute="*"))
def sweep_bulk_jobs() -> int:
    """Every minute, give up on bulk downloads whose worker died; their pages offer 'coba lagi'."""
    return services.fail_stale_jobs(current_app.config["EXPORT_DIR"], utcnow())


@huey.task()
def build_bulk(job_id: int) -> None:
    """Build a 'download all' file, recording progress on the job row."""
    services.run_bulk(job_id, current_app.config["EXPORT_DIR"], current_app.config["UPLOAD_DIR"], utcnow)
