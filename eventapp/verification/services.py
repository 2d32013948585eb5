"""Sending and checking one-time codes. Each call is one unit of work."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from eventapp.errors import DomainError, ValidationFailed
from eventapp.extensions import db
from eventapp.outbox import catalogue
from eventapp.outbox import services as outbox
from eventapp.outbox.jobs import commit
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.verification.models import ContactCode

LIFETIME = timedelta(minutes=catalogue.CODE_MINUTES)
# Wrong tries one code allows; with six digits, a guesser's chance per code is 5 in a million.
MAX_ATTEMPTS = 5
# Codes one contact may be sent: one a minute, a few an hour (each costs the office a message).
RESEND_AFTER = timedelta(minutes=1)
MAX_PER_HOUR = 5


class CodeRefused(DomainError):
    code = "code_refused"


def normalize_contact(raw: str) -> str:
    """A phone in E.164 or an e-mail address in lower case; says in Indonesian what is wrong."""
    text = (raw or "").strip()
    if "@" in text:
        try:
            return validate_email(text, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            raise ValidationFailed(_("Alamat e-mail tidak valid."), "contact_invalid")
    try:
        return normalize_phone(text)
    except InvalidPhone as exc:
        raise ValidationFailed(str(exc), "contact_invalid")


def _digest(contact: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"contact-code:{contact}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(contact: str, purpose: str, organization_id: int | None, what_for: str, now: datetime) -> None:
    """Send a new code for `purpose` to `contact` (normalized), saying it is for `what_for`
    ("melihat sertifikat"): over WhatsApp from the office's number to a phone, by e-mail.
    Refused when the contact was sent one a moment ago or too many this hour. The message is
    given up when the code expires. Without an office (a contact that never registered
    anywhere) the code is made but goes nowhere, so that nothing tells a stranger whether a
    number took part in something."""
    recent = db.session.execute(
        select(func.count(), func.max(ContactCode.created_at)).where(
            ContactCode.contact == contact, ContactCode.created_at > now - timedelta(hours=1)
        )
    ).one()
    count, last = recent
    if last is not None and now - last < RESEND_AFTER:
        raise CodeRefused(_("Kode baru saja dikirim. Tunggu satu menit sebelum meminta kode lagi."))
    if count >= MAX_PER_HOUR:
        raise CodeRefused(_("Sudah terlalu banyak kode dikirim ke kontak ini. Coba lagi satu jam lagi."))
    code = f"{secrets.randbelow(1_000_000):06d}"
    expires_at = now + LIFETIME
    db.session.add(
        ContactCode(
            contact=contact,
            purpose=purpose,
            code_hash=_digest(contact, code),
            created_at=now,
            sent_minute=now.replace(second=0, microsecond=0),
            expires_at=expires_at,
        )
    )
    try:
        db.session.flush()
    except IntegrityError:  # another request for this contact got there this very minute
        db.session.rollback()
        raise CodeRefused(_("Kode baru saja dikirim. Tunggu satu menit sebelum meminta kode lagi."))
    subject = _("Kode verifikasi")
    if organization_id is None:
        db.session.commit()
        return
    if "@" in contact:
        body = _(
            "Kode verifikasi Anda untuk %(purpose)s: %(code)s\n\nKode berlaku %(minutes)s menit. Demi "
            "keamanan, jangan berikan kode ini kepada siapa pun, termasuk panitia. Jika Anda tidak "
            "memintanya, abaikan e-mail ini.",
            purpose=what_for,
            code=code,
            minutes=catalogue.CODE_MINUTES,
        )
        message = outbox.queue_email(contact, f"{subject}: {code}", body)
    else:
        values = {"kode": code, "keperluan": what_for, "menit": catalogue.CODE_MINUTES}
        message = outbox.queue_whatsapp(contact, organization_id, "kode_verifikasi", values, subject)
    message.give_up_at = expires_at
    commit()


def check_code(contact: str, purpose: str, typed: str, now: datetime) -> None:
    """Accept the newest code sent to `contact` for `purpose` if `typed` is it, unexpired and
    unused; count a wrong try against it. Raises CodeRefused with what to do next."""
    latest = db.session.scalar(
        select(ContactCode)
        .where(ContactCode.contact == contact, ContactCode.purpose == purpose)
        .order_by(ContactCode.created_at.desc(), ContactCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    digits = "".join(ch for ch in typed or "" if ch.isdigit())
    if latest is None or latest.used_at is not None or latest.expires_at <= now:
        db.session.rollback()
        raise CodeRefused(_("Kode sudah tidak berlaku. Minta kode baru."))
    if latest.attempts >= MAX_ATTEMPTS:
        db.session.rollback()
        raise CodeRefused(_("Terlalu banyak kode salah. Minta kode baru."))
    if not hmac.compare_digest(latest.code_hash, _digest(contact, digits)):
        latest.attempts += 1
        left = MAX_ATTEMPTS - latest.attempts
        db.session.commit()
        if left == 0:
            raise CodeRefused(_("Kode salah, dan kode ini tidak dapat dicoba lagi. Minta kode baru."))
        raise CodeRefused(_("Kode salah. Sisa %(left)d kali percobaan.", left=left))
    latest.used_at = now
    db.session.commit()
