"""The outbox: services queue messages inside their own transaction; a job delivers them."""

import smtplib
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_mailman import EmailMessage, EmailMultiAlternatives
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session, SessionTransaction

from eventapp.extensions import db
from eventapp.outbox.models import OutboxMessage, OutboxStatus

# A mail server down over a long weekend loses nothing: tries after 1, 2, 4 … minutes, then
# every 6 hours, for three days.
RETRY_FIRST_DELAY = timedelta(minutes=1)
RETRY_MAX_DELAY = timedelta(hours=6)
GIVE_UP_AFTER = timedelta(days=3)
# Where a unit of work keeps the messages it queued until it commits (Session.info).
_QUEUED = "outbox.queued"


class CalendarMessage(EmailMultiAlternatives):
    """An e-mail whose text/calendar alternative names its METHOD, as calendar apps require
    (RFC 6047: the MIME method parameter matches the METHOD inside the file)."""

    def __init__(self, *args, calendar_method: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar_method = calendar_method

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar":
            part.set_param("method", self.calendar_method)
        return part


def queue_email(
    recipient: str,
    subject: str,
    body_text: str,
    calendar: tuple[str, bytes] | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> OutboxMessage:
    """Add a message to the caller's unit of work; it leaves only if that work commits.
    `calendar` is (METHOD, ics bytes) for an inline invite, update or cancellation;
    `attachment` is (file name, PDF bytes)."""
    # A line break in a subject (from an event title, say) would make every send fail.
    message = OutboxMessage(recipient=recipient, subject=" ".join(subject.split()), body_text=body_text)
    if attachment is not None:
        message.attachment_name, message.attachment_content = attachment
    if calendar is not None:
        message.calendar_method, ics = calendar
        message.calendar_ics = ics.decode("utf-8")
    db.session.add(message)
    db.session.info.setdefault(_QUEUED, []).append(message)
    return message


def take_queued() -> list[OutboxMessage]:
    """The messages queued in the current unit of work, for delivery once it has committed."""
    return db.session.info.pop(_QUEUED, [])


@event.listens_for(Session, "after_soft_rollback")
def _forget_queued(session: Session, previous_transaction: SessionTransaction) -> None:
    """Work that was rolled back sends nothing (a savepoint's rollback leaves the rest)."""
    if not previous_transaction.nested:
        session.info.pop(_QUEUED, None)


def _email(message: OutboxMessage) -> EmailMessage:
    if not message.calendar_ics:
        email = EmailMessage(message.subject, message.body_text, to=[message.recipient])
        if message.attachment_content:
            email.attach(message.attachment_name, message.attachment_content, "application/pdf")
        return email
    email = CalendarMessage(
        message.subject,
        message.body_text,
        to=[message.recipient],
        calendar_method=message.calendar_method or "REQUEST",
    )
    email.attach_alternative(message.calendar_ics, "text/calendar")
    return email


def _failure_reason(exc: Exception) -> tuple[str, bool]:
    """What went wrong in words for organizers, and whether trying again can help."""
    detail = f"{type(exc).__name__}: {exc}"[:1500]
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _reply in exc.recipients.values()
    ):
        return _("Alamat e-mail penerima ditolak oleh server penerima (%(d)s)", d=detail), False
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("Server e-mail menolak nama pengguna atau kata sandi (%(d)s)", d=detail), True
    if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
        return _("Server e-mail tidak dapat dihubungi (%(d)s)", d=detail), True
    return _("Pengiriman gagal (%(d)s)", d=detail), True


def retry_delay(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most RETRY_MAX_DELAY."""
    return min(RETRY_FIRST_DELAY * 2 ** min(attempts - 1, 20), RETRY_MAX_DELAY)


def due_message_ids(now: datetime, limit: int = 500) -> list[int]:
    """Pending messages whose next try is due, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def deliver(message_id: int, now: datetime) -> bool:
    """Try once to send a pending message; True when it has gone out.

    A temporary failure is recorded on the row with its reason, and the next try is scheduled
    with exponential backoff until `give_up_at`; a permanent one (the recipient refused) or one
    past that time marks the message failed. The row is locked while sending so that two
    workers never send the same message.
    """
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update())
    if message is None or message.status != OutboxStatus.PENDING:
        db.session.rollback()
        return message is not None and message.status == OutboxStatus.SENT
    message.attempts += 1
    try:
        _email(message).send()
    except Exception as exc:  # any transport error: keep the message, say why, try again later
        reason, temporary = _failure_reason(exc)
        message.last_error = reason
        give_up_at = message.give_up_at or message.created_at + GIVE_UP_AFTER
        message.next_attempt_at = now + retry_delay(message.attempts)
        if not temporary or message.next_attempt_at > give_up_at:
            message.status = OutboxStatus.FAILED
            message.next_attempt_at = None
        db.session.commit()
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.next_attempt_at = None
    message.last_error = ""
    db.session.commit()
    return True


def failed_messages(limit: int = 500) -> list[OutboxMessage]:
    """Messages given up on, newest first, for the admin page and the CLI."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def retrying_messages(limit: int = 500) -> list[OutboxMessage]:
    """Messages that failed at least once and are waiting for their next try."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 0)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def requeue(message_ids: list[int] | None, now: datetime) -> list[OutboxMessage]:
    """Send failed messages again (all of them when `message_ids` is None), with a fresh
    retry period; returns the messages put back in the queue."""
    stmt = select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if message_ids is not None:
        stmt = stmt.where(OutboxMessage.id.in_(message_ids))
    messages = list(db.session.scalars(stmt.with_for_update()))
    for message in messages:
        message.status = OutboxStatus.PENDING
        message.next_attempt_at = None
        message.give_up_at = now + GIVE_UP_AFTER
    db.session.commit()
    return messages
