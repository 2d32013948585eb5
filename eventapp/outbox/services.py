"""The outbox: services queue messages inside their own transaction; a job delivers them,
by e-mail or WhatsApp, and records what the provider reports back."""

import logging
import secrets
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_mailman import EmailMessage, EmailMultiAlternatives
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session, SessionTransaction

from eventapp import secretbox
from eventapp.errors import ValidationFailed
from eventapp.extensions import db
from eventapp.outbox import catalogue, whatsapp
from eventapp.outbox.models import (
    LEFT,
    Channel,
    OptOut,
    OutboxMessage,
    OutboxStatus,
    WhatsAppAccount,
    WhatsAppProvider,
)
from eventapp.phones import InvalidPhone, normalize_phone

log = logging.getLogger(__name__)

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
    return _queue(message)


def _queue(message: OutboxMessage) -> OutboxMessage:
    db.session.add(message)
    db.session.info.setdefault(_QUEUED, []).append(message)
    return message


def queue_whatsapp(
    phone: str,
    organization_id: int,
    template: str,
    values: Mapping[str, object],
    subject: str,
    document: tuple[str, bytes] | None = None,
) -> OutboxMessage:
    """Add a WhatsApp message from the office's number to the caller's unit of work: catalogue
    `template` filled with `values`; `subject` is the one line organizers see in lists;
    `document` is (file name, PDF bytes) for a template with a document header."""
    chosen = catalogue.template(template)
    cleaned = chosen.fill(values)
    message = OutboxMessage(
        channel=Channel.WHATSAPP,
        recipient=phone,
        organization_id=organization_id,
        subject=" ".join(subject.split()),
        template=chosen.name,
        template_params=cleaned,
        body_text=chosen.render(cleaned),
    )
    if document is not None:
        message.attachment_name, message.attachment_content = document
    return _queue(message)


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


def _failure_reason(exc: Exception, message: OutboxMessage) -> tuple[str, bool]:
    """What went wrong in words for organizers, and whether trying again can help. The
    exception itself goes to the worker's log only: it may name the server's files and hosts.
    What a receiving mail server answered is kept, since it tells the organizer why."""
    if isinstance(exc, whatsapp.SendFailed):
        return exc.reason, exc.temporary
    log.warning("message %s not sent: %s: %s", message.id, type(exc).__name__, exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _reply in exc.recipients.values()
    ):
        answers = "; ".join(reply.decode(errors="replace") for _code, reply in exc.recipients.values())
        return _("Alamat e-mail penerima ditolak oleh server penerima (%(d)s)", d=answers[:500]), False
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _("Server e-mail menolak nama pengguna atau kata sandi."), True
    if isinstance(exc, OSError | smtplib.SMTPServerDisconnected):
        if message.is_whatsapp:
            return _("Layanan WhatsApp tidak dapat dihubungi."), True
        return _("Server e-mail tidak dapat dihubungi."), True
    return _("Pengiriman gagal; rinciannya ada di log pekerja latar."), True


def _failed(message: OutboxMessage, reason: str, temporary: bool, at: datetime) -> None:
    """A try failed at `at`: keep the reason, and try again after the backoff while the failure
    may pass and the give-up time allows; otherwise give the message up."""
    message.last_error = reason
    retry_at = at + retry_delay(message.attempts)
    if temporary and retry_at <= (message.give_up_at or message.created_at + GIVE_UP_AFTER):
        message.status, message.next_attempt_at = OutboxStatus.PENDING, retry_at
    else:
        message.status, message.next_attempt_at, message.status_at = OutboxStatus.FAILED, None, at


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


def _pacer() -> whatsapp.Pacer:
    """The app's WhatsApp pacer, counting in the rate-limit storage."""
    if "whatsapp_pacer" not in current_app.extensions:
        current_app.extensions["whatsapp_pacer"] = whatsapp.Pacer(current_app.config["RATELIMIT_STORAGE_URI"])
    return current_app.extensions["whatsapp_pacer"]


def _send_whatsapp(message: OutboxMessage) -> str:
    """Hand a WhatsApp message to its office's provider, within the number's rate."""
    account = db.session.scalar(
        select(WhatsAppAccount).where(WhatsAppAccount.organization_id == message.organization_id)
    )
    if account is not None:
        _pacer().wait(account.id, account.max_per_second)
    chosen = catalogue.template(message.template or "")
    document = (
        (message.attachment_name or "lampiran.pdf", message.attachment_content)
        if message.attachment_content
        else None
    )
    try:
        provider = whatsapp.provider_for(account)
    except secretbox.SealBroken:
        raise whatsapp.SendFailed(
            _(
                "Token WhatsApp kantor tidak dapat dibuka (kunci CREDENTIALS_KEYS berganti): "
                "isi ulang tokennya."
            ),
            True,
        )
    return provider.send(
        whatsapp.Outgoing(
            to=message.recipient,
            template=chosen,
            values=message.template_params or {},
            text=message.body_text,
            document=document,
        )
    )


def deliver(message_id: int, now: datetime) -> bool:
    """Try once to send a pending message; True when it has gone out.

    A temporary failure is recorded on the row with its reason, and the next try is scheduled
    with exponential backoff until `give_up_at`; a permanent one (the recipient refused, the
    number is not on WhatsApp) or one past that time marks the message failed. The row is
    locked while sending so that two workers never send the same message.
    """
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update())
    if message is None or message.status != OutboxStatus.PENDING:
        db.session.rollback()
        return message is not None and message.status in LEFT
    message.attempts += 1
    try:
        if message.is_whatsapp:
            message.provider_message_id = _send_whatsapp(message) or None
        else:
            _email(message).send()
    except Exception as exc:  # any transport error: keep the message, say why, try again later
        _failed(message, *_failure_reason(exc, message), now)
        db.session.commit()
        return False
    message.status = OutboxStatus.SENT
    message.sent_at = message.status_at = now
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


# --- What WhatsApp reports back ---------------------------------------------------------------


def record_statuses(reports: list[whatsapp.StatusReport]) -> int:
    """Apply the provider's status reports to the messages they name; a report never moves a
    message back (a late 'delivered' after 'read' is ignored). A failure that may pass is
    tried again with the usual backoff until the give-up time. Returns how many changed."""
    if not reports:
        return 0
    ids = {r.provider_message_id for r in reports}
    messages = {
        m.provider_message_id: m
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.provider_message_id.in_(ids)).with_for_update()
        )
    }
    changed = 0
    for report in reports:
        message = messages.get(report.provider_message_id)
        if message is None:
            continue
        if report.status == OutboxStatus.FAILED:
            if message.status.rank >= OutboxStatus.DELIVERED.rank:
                continue
            _failed(message, report.reason, report.temporary, report.at)
        elif report.status.rank > message.status.rank:
            message.status = report.status
        else:
            continue
        message.status_at = report.at
        changed += 1
    db.session.commit()
    return changed


STOP_WORDS = {"berhenti", "stop", "unsubscribe"}
START_WORDS = {"mulai", "start"}


def opt_out(contact: str, now: datetime) -> bool:
    """Stop announcements to a phone (E.164) or e-mail; True when it was not stopped before."""
    if db.session.get(OptOut, contact) is not None:
        return False
    db.session.add(OptOut(contact=contact, created_at=now))
    db.session.commit()
    return True


def opt_in(contact: str) -> bool:
    """Announcements reach the contact again; True when they had been stopped."""
    stopped = db.session.get(OptOut, contact)
    if stopped is None:
        return False
    db.session.delete(stopped)
    db.session.commit()
    return True


def opted_out(contacts: list[str]) -> set[str]:
    """Which of these contacts asked for no announcements."""
    if not contacts:
        return set()
    return set(db.session.scalars(select(OptOut.contact).where(OptOut.contact.in_(contacts))))


def record_inbound(messages: list[whatsapp.Inbound], now: datetime) -> int:
    """Incoming texts: 'BERHENTI' (or STOP) stops announcements to the sender, 'MULAI' (or
    START) lets them through again. Returns how many contacts changed."""
    changed = 0
    for inbound in messages:
        word = inbound.text.strip().lower()
        if word in STOP_WORDS:
            changed += opt_out(inbound.sender, now)
        elif word in START_WORDS:
            changed += opt_in(inbound.sender)
    return changed


# --- An office's WhatsApp number --------------------------------------------------------------


def whatsapp_account(organization_id: int) -> WhatsAppAccount | None:
    return db.session.scalar(
        select(WhatsAppAccount).where(WhatsAppAccount.organization_id == organization_id)
    )


@dataclass
class AccountData:
    provider: str
    display_number: str = ""
    max_per_second: int = 10
    phone_number_id: str = ""
    # Secrets: an empty one keeps what is stored.
    access_token: str = ""
    app_secret: str = ""
    gateway_url: str = ""
    gateway_token_header: str = "Authorization"
    gateway_token: str = ""
    gateway_phone_field: str = "phone"
    gateway_text_field: str = "message"


def whatsapp_account_problems(organization_id: int, data: AccountData) -> list[tuple[str, str]]:
    """Every problem with an office's WhatsApp settings at once, as (field, message)."""
    account = whatsapp_account(organization_id)
    problems: list[tuple[str, str]] = []
    if data.provider not in set(WhatsAppProvider):
        problems.append(("provider", _("Pilih penyedia WhatsApp.")))
        return problems
    if not 1 <= data.max_per_second <= 80:
        problems.append(("max_per_second", _("Kecepatan kirim antara 1 dan 80 pesan per detik.")))
    if data.provider == WhatsAppProvider.CLOUD_API:
        if not data.phone_number_id.strip().isdigit():
            problems.append(("phone_number_id", _("Phone number ID berupa angka, dari WhatsApp Manager.")))
        if not data.access_token and not (account and account.access_token_sealed):
            problems.append(("access_token", _("Isi token akses dari Meta.")))
        if not data.app_secret and not (account and account.app_secret_sealed):
            problems.append(
                ("app_secret", _("Isi app secret aplikasi Meta, untuk memeriksa tanda tangan webhook."))
            )
    else:
        scheme = data.gateway_url.split("://", 1)[0].lower() if "://" in data.gateway_url else ""
        if scheme not in ("http", "https"):
            problems.append(("gateway_url", _("Alamat gateway harus diawali https:// (atau http://).")))
        for name, value in (
            ("gateway_token_header", data.gateway_token_header),
            ("gateway_phone_field", data.gateway_phone_field),
            ("gateway_text_field", data.gateway_text_field),
        ):
            if not value.strip() or any(ch.isspace() or ch in ":\r\n" for ch in value.strip()):
                problems.append((name, _("Isi dengan satu kata tanpa spasi.")))
    return problems


def save_whatsapp_account(organization_id: int, data: AccountData, now: datetime) -> WhatsAppAccount:
    """Set up or change an office's WhatsApp number; secrets are sealed, and a secret left
    empty keeps the stored one. Raises ValidationFailed with every problem."""
    problems = whatsapp_account_problems(organization_id, data)
    if problems:
        raise ValidationFailed(problems[0][1], "whatsapp_settings", problems=problems)
    account = whatsapp_account(organization_id)
    if account is None:
        account = WhatsAppAccount(organization_id=organization_id, verify_token=secrets.token_urlsafe(32))
        db.session.add(account)
    account.provider = WhatsAppProvider(data.provider)
    account.display_number = data.display_number.strip()[:30]
    account.max_per_second = data.max_per_second
    account.phone_number_id = data.phone_number_id.strip()
    account.gateway_url = data.gateway_url.strip()
    account.gateway_token_header = data.gateway_token_header.strip()
    account.gateway_phone_field = data.gateway_phone_field.strip()
    account.gateway_text_field = data.gateway_text_field.strip()
    for attribute, secret in (
        ("access_token_sealed", data.access_token),
        ("app_secret_sealed", data.app_secret),
        ("gateway_token_sealed", data.gateway_token),
    ):
        if secret.strip():
            setattr(account, attribute, secretbox.seal(secret.strip()))
    account.updated_at = now
    db.session.commit()
    return account


def remove_whatsapp_account(organization_id: int) -> None:
    """Stop sending from the office's number; messages wait until one is set up again."""
    account = whatsapp_account(organization_id)
    if account is not None:
        db.session.delete(account)
        db.session.commit()


def send_test_whatsapp(
    organization_id: int, organization_name: str, phone: str, now: datetime
) -> OutboxMessage:
    """'Kirim pesan uji': one message to `phone` now, past the queue, so the office sees at once
    whether its settings work; the result is on the returned row."""
    try:
        number = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ValidationFailed(str(exc), "phone_invalid") from exc
    message = queue_whatsapp(
        number,
        organization_id,
        "pesan_uji",
        {"penyelenggara": organization_name},
        _("Pesan uji WhatsApp"),
    )
    message.give_up_at = now  # a test is tried once, never retried
    take_queued()
    db.session.commit()
    deliver(message.id, now)
    return message
