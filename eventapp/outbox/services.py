"""The outbox: services queue messages inside their own transaction; a job delivers them."""

from datetime import datetime

from flask_mailman import EmailMessage, EmailMultiAlternatives
from sqlalchemy import select

from eventapp.extensions import db
from eventapp.outbox.models import OutboxMessage, OutboxStatus

MAX_ATTEMPTS = 6


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
    return message


def _email(message: OutboxMessage) -> EmailMessage:
    if not message.calendar_ics:
        email = EmailMessage(message.subject, message.body_text, to=[message.recipient])
        if message.attachment_content:
            email.attach(message.attachment_name, message.attachment_content, "application/pdf")
        return email
    email = CalendarMessage(
        message.subject, message.body_text, to=[message.recipient], calendar_method=message.calendar_method
    )
    email.attach_alternative(message.calendar_ics, "text/calendar")
    return email


def pending_message_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .order_by(OutboxMessage.id)
        )
    )


def deliver(message_id: int, now: datetime) -> bool:
    """Try once to send a pending message; True when it has gone out.

    A transport error is recorded on the row and the message stays pending for the next
    sweep, until MAX_ATTEMPTS have failed. The row is locked while sending so that two
    workers never send the same message.
    """
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update())
    if message is None or message.status != OutboxStatus.PENDING:
        db.session.rollback()
        return message is not None and message.status == OutboxStatus.SENT
    message.attempts += 1
    try:
        _email(message).send()
    except Exception as exc:  # any transport error: keep the message, try again later
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
        db.session.commit()
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = ""
    db.session.commit()
    return True
