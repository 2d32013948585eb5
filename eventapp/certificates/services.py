"""Certificate rules: settings and number pattern, who qualifies, gap-free numbering, issuing,
revoking, verification, finding one's certificate and mailing them (the PDF itself is
composed in certificates/pdf.py, bulk downloads are built in certificates/bulk.py)."""

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from eventapp.accounts.access import require_manager
from eventapp.accounts.models import User
from eventapp.attendance import services as attendance
from eventapp.audit.services import record, record_for_event, sentence_for
from eventapp.certificates import pdf
from eventapp.certificates.models import (
    BACKGROUNDS,
    DEFAULT_WORDING,
    Certificate,
    CertificateSettings,
    HolderRole,
)
from eventapp.dbtypes import lock_for_update
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events.models import Event, EventPerson, EventStatus
from eventapp.extensions import db
from eventapp.i18n import format_datetime, utc_to_local
from eventapp.outbox.jobs import commit
from eventapp.outbox.services import queue_email
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.questionnaires import services as questionnaires
from eventapp.registration import messages
from eventapp.registration import services as registration_services
from eventapp.registration.models import Registration, RegistrationStatus
from eventapp.uploads import delete_image, store_image

DEFAULT_PATTERN = "{seq:03d}/SERT/{kode}/DISKOMINFO/{bulan_romawi}/{tahun}"
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
PATTERN_TOKENS = {"seq", "kode", "bulan_romawi", "bulan", "tahun"}
SIGNATURE_MAX_BYTES = 512 * 1024
# A background is a full A4 page: 3,508 pixels on the long side is 300 dpi.
BACKGROUND_MAX_BYTES = 3 * 1024 * 1024
BACKGROUND_MAX_SIDE = 3508
VERIFY_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


# --- Settings ---------------------------------------------------------------------------------


def settings_for(event: Event) -> CertificateSettings:
    """The event's settings, or unsaved defaults from the office profile."""
    found = db.session.scalar(select(CertificateSettings).where(CertificateSettings.event_id == event.id))
    if found is not None:
        return found
    org = event.organization
    signatory = (
        [
            {
                "name": org.signatory_name,
                "title": org.signatory_title,
                "nip": org.signatory_nip,
                "signature": None,
            }
        ]
        if org.signatory_name
        else []
    )
    return CertificateSettings(
        event_id=event.id,
        event=event,
        enabled=False,
        design="klasik",
        number_pattern=DEFAULT_PATTERN,
        event_code=f"E{event.id:03d}",
        wording={str(k): dict(v) for k, v in DEFAULT_WORDING.items()},
        signatories=signatory,
        next_seq=1,
    )


def format_number(pattern: str, seq: int, event_code: str, when: datetime) -> str:
    """Fill the number pattern: {seq:03d}, {kode}, {bulan_romawi}, {bulan}, {tahun}."""
    return pattern.format(
        seq=seq,
        kode=event_code,
        bulan_romawi=ROMAN_MONTHS[when.month - 1],
        bulan=f"{when.month:02d}",
        tahun=when.year,
    )


# Widths in a pattern ({seq:03d}) are for zero padding; a huge one would build a huge number.
MAX_PATTERN_WIDTH = 12
NUMBER_MAX_LENGTH = Certificate.number.type.length


def check_pattern(pattern: str, event_code: str = "KODE") -> None:
    """Refuse a pattern that names unknown tokens, lacks {seq}, does not format, pads wider
    than MAX_PATTERN_WIDTH or makes numbers longer than the number column holds."""
    invalid = ValidationFailed(
        _("Pola nomor tidak dapat dipakai. Contoh: %(example)s", example=DEFAULT_PATTERN), "pattern_invalid"
    )
    try:
        parsed = [(name, spec) for _, name, spec, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError:
        raise invalid
    fields = {name for name, _ in parsed}
    for _name, spec in parsed:
        widths = [int(digits) for digits in re.findall(r"\d+", spec or "")]
        if "{" in (spec or "") or any(width > MAX_PATTERN_WIDTH for width in widths):
            raise ValidationFailed(
                _("Lebar angka dalam pola paling banyak %(n)d, misalnya {seq:03d}.", n=MAX_PATTERN_WIDTH),
                "pattern_width",
            )
    unknown = fields - PATTERN_TOKENS
    if unknown:
        raise ValidationFailed(
            _(
                "Token tidak dikenal: %(tokens)s. Yang tersedia: {seq}, {kode}, {bulan_romawi}, "
                "{bulan}, {tahun}.",
                tokens=", ".join(sorted(unknown)),
            ),
            "pattern_token",
        )
    if "seq" not in fields:
        raise ValidationFailed(_("Pola nomor harus memuat {seq}."), "pattern_seq")
    try:
        longest = format_number(pattern, 999_999, event_code, datetime(2026, 12, 1))
    except (ValueError, KeyError, IndexError):
        raise invalid
    if len(longest) > NUMBER_MAX_LENGTH:
        raise ValidationFailed(
            _("Nomor yang dihasilkan pola terlalu panjang: maksimal %(n)d karakter.", n=NUMBER_MAX_LENGTH),
            "pattern_too_long",
        )


@dataclass
class SignatoryData:
    name: str
    title: str = ""
    nip: str = ""
    signature: bytes | None = None  # a new PNG/JPEG upload, or None to keep the current one


def save_settings(
    actor: User,
    event: Event,
    *,
    enabled: bool,
    design: str,
    number_pattern: str,
    event_code: str,
    wording: dict,
    signatories: list[SignatoryData],
    upload_dir: Path,
    background: bytes | None = None,
    remove_background: bool = False,
) -> CertificateSettings:
    """Save an event's certificate settings; signature and background images are checked like
    other uploads, and a replaced background is deleted once the change is saved."""
    require_manager(actor, event.organization_id)
    check_pattern(number_pattern.strip(), event_code.strip())
    if design not in ("klasik", "modern"):
        raise ValidationFailed(_("Desain tidak dikenal."), "design_unknown")
    people = [s for s in signatories if s.name.strip()]
    if not 1 <= len(people) <= 3:
        raise ValidationFailed(_("Isi satu sampai tiga penandatangan."), "signatories")
    settings = settings_for(event)
    old = {i: s.get("signature") for i, s in enumerate(settings.signatories or [])}
    stored = []
    for index, person in enumerate(people):
        signature = old.get(index)
        if person.signature:
            signature = store_image(
                person.signature, upload_dir / "signatures", SIGNATURE_MAX_BYTES, 800, "signature"
            )
        stored.append(
            {
                "name": person.name.strip(),
                "title": person.title.strip(),
                "nip": person.nip.strip(),
                "signature": signature,
            }
        )
    settings.enabled, settings.design = enabled, design
    settings.number_pattern, settings.event_code = number_pattern.strip(), event_code.strip()
    settings.wording = {
        role: {"title": wording[role]["title"].strip(), "wording": wording[role]["wording"].strip()}
        for role in (str(r) for r in HolderRole)
    }
    settings.signatories = stored
    old_background = settings.background_filename
    if background:
        settings.background_filename = store_image(
            background, upload_dir / BACKGROUNDS, BACKGROUND_MAX_BYTES, BACKGROUND_MAX_SIDE, "background"
        )
    elif remove_background:
        settings.background_filename = None
    db.session.add(settings)
    record_for_event(actor, event, "certificate_settings", event.id, "saved", {"enabled": enabled})
    db.session.commit()
    if settings.background_filename != old_background:
        delete_image(upload_dir / BACKGROUNDS, old_background)
    return settings


# --- Who qualifies, issuing, revoking ---------------------------------------------------------------


@dataclass
class Candidate:
    role: str
    name: str
    registration: Registration | None = None
    person: EventPerson | None = None


def eligible(event: Event) -> list[Candidate]:
    """Participants who meet the attendance rule and the event's form conditions (evaluation
    filled in, post-test passed), and everyone on the programme in their role."""
    people = [Candidate(p.role, p.name, person=p) for p in event.people]
    attended = [row.registration for row in attendance.matrix(event) if row.meets_rule]
    lacking = questionnaires.missing(event, [r.id for r in attended])
    participants = [
        Candidate(HolderRole.PESERTA, r.name, registration=r) for r in attended if r.id not in lacking
    ]
    return people + participants


@dataclass
class IssueResult:
    issued: list[Certificate]
    already: int


def issue_blocker(event: Event, settings: CertificateSettings, now: datetime) -> str | None:
    """Why certificates cannot be issued now (shown beside the disabled button), or None."""
    if settings.id is None or not settings.enabled:
        return _("Aktifkan dan simpan pengaturan sertifikat terlebih dahulu.")
    if event.status == EventStatus.CANCELLED:
        return _("Acara ini dibatalkan.")
    if event.ends_at is None or now < event.ends_at:
        return _(
            "Sertifikat dapat diterbitkan setelah acara selesai: sesi terakhir berakhir %(when)s.",
            when=format_datetime(event.ends_at, event.timezone) if event.ends_at else "—",
        )
    return None


def issue_all(actor: User, event: Event, now: datetime) -> IssueResult:
    """Issue certificates to everyone who qualifies and has none yet, in one transaction.

    Serial numbers are handed out under a lock on the settings row: two organizers issuing at
    once queue behind each other, so numbers are never repeated and, since a failed run rolls
    its numbers back, never skipped. Existing certificates keep their number."""
    require_manager(actor, event.organization_id)
    settings = settings_for(event)
    blocker = issue_blocker(event, settings, now)
    if blocker:
        raise DomainError(blocker, "not_yet")
    candidates = eligible(event)
    lock_for_update(CertificateSettings, settings.id)
    db.session.refresh(settings)
    held = db.session.execute(
        select(Certificate.registration_id, Certificate.person_id).where(Certificate.event_id == event.id)
    ).all()
    have_registration = {r for r, _ in held if r}
    have_person = {p for _, p in held if p}
    issued = [
        _issue(event, settings, candidate, now)
        for candidate in candidates
        if not (candidate.registration and candidate.registration.id in have_registration)
        and not (candidate.person and candidate.person.id in have_person)
    ]
    record_for_event(actor, event, "certificate", event.id, "issued", {"count": len(issued)})
    db.session.commit()
    return IssueResult(issued, len(held))


def _issue(event: Event, settings: CertificateSettings, candidate: Candidate, now: datetime) -> Certificate:
    """The next number to one candidate; the caller holds the lock on the settings row."""
    seq = settings.next_seq
    settings.next_seq += 1
    certificate = Certificate(
        event_id=event.id,
        role=candidate.role,
        holder_name=candidate.name,
        seq=seq,
        registration_id=candidate.registration.id if candidate.registration else None,
        person_id=candidate.person.id if candidate.person else None,
        number=format_number(settings.number_pattern, seq, settings.event_code, _numbering_day(event)),
        code="".join(secrets.choice(VERIFY_ALPHABET) for _ in range(10)),
        issued_at=now,
    )
    db.session.add(certificate)
    return certificate


def issue_when_forms_done(event: Event, *, registration: Registration, now: datetime) -> None:
    """A participant just filled in the evaluation (or passed the post-test). When the event's
    certificates depend on its forms (or have been issued already), theirs is issued at once
    if they now qualify: "isi evaluasi untuk mengunduh e-sertifikat". Runs inside the answer's
    unit of work; the mail sweep sends it."""
    settings = settings_for(event)
    if settings.id is None or issue_blocker(event, settings, now):
        return
    if settings.next_seq == 1 and not questionnaires.certificate_conditions(event):
        return
    if for_registration(registration) is not None:
        return
    if (
        registration.status != RegistrationStatus.CONFIRMED
        or not attendance.person_attendance(registration).meets_rule
    ):
        return
    if questionnaires.missing(event, [registration.id]):
        return
    lock_for_update(CertificateSettings, settings.id)
    db.session.refresh(settings)
    _issue(event, settings, Candidate(HolderRole.PESERTA, registration.name, registration=registration), now)


def revoke(actor: User, certificate: Certificate, reason: str, now: datetime) -> None:
    """Revoke a certificate with a reason; verification shows it as revoked from then on."""
    require_manager(actor, certificate.event.organization_id)
    if not reason.strip():
        raise ValidationFailed(_("Tuliskan alasan pencabutan."), "reason_required")
    certificate.revoked_at, certificate.revoke_reason = now, reason.strip()
    record(
        actor,
        certificate.event.organization_id,
        "certificate",
        certificate.id,
        "revoked",
        {"number": certificate.number, "reason": certificate.revoke_reason},
        event_id=certificate.event_id,
    )
    db.session.commit()


def revoke_for_cancelled(event: Event, *, registrations: list, now: datetime, reason: str) -> None:
    """A cancelled registration's certificate is revoked with the cancellation as its reason,
    in the cancelling unit of work (connected to registrations_cancelled)."""
    ids = [registration.id for registration in registrations]
    if not ids:
        return
    held = db.session.scalars(
        select(Certificate).where(Certificate.registration_id.in_(ids), Certificate.revoked_at.is_(None))
    )
    for certificate in held:
        certificate.revoked_at, certificate.revoke_reason = now, reason


def rename_for_corrected(event: Event, *, registration, now: datetime) -> None:
    """A corrected registrant's valid certificate prints the corrected name under the same
    number, in the correcting unit of work (connected to registration_corrected)."""
    certificate = for_registration(registration)
    if certificate is not None and certificate.revoked_at is None:
        certificate.holder_name = registration.name


def restore(actor: User, certificate: Certificate) -> None:
    """Undo a revocation; the certificate keeps its number."""
    require_manager(actor, certificate.event.organization_id)
    certificate.revoked_at, certificate.revoke_reason = None, ""
    record(
        actor,
        certificate.event.organization_id,
        "certificate",
        certificate.id,
        "restored",
        {"number": certificate.number},
        event_id=certificate.event_id,
    )
    db.session.commit()


def event_certificates(event: Event) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.seq)
        )
    )


def by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code.strip().upper()))


def for_registration(registration: Registration) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.registration_id == registration.id))


def find_own(contact: str, registration_code: str) -> Certificate | None:
    """A participant's certificate from their phone or e-mail plus registration code."""
    registration = db.session.scalar(
        select(Registration).where(
            Registration.code == registration_services.normalize_code(registration_code)
        )
    )
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        return None
    text = contact.strip().lower()
    try:
        matches = (
            registration.phone == normalize_phone(text) if "@" not in text else registration.email == text
        )
    except InvalidPhone:
        matches = False
    if not matches:
        return None
    certificate = for_registration(registration)
    return certificate if certificate is not None and certificate.revoked_at is None else None


def for_contacts(contacts: list[str]) -> list[Certificate]:
    """Every valid certificate of the registrations that give one of `contacts`, across all
    events, newest first: 'Sertifikat saya' once the contacts are proven."""
    return list(
        db.session.scalars(
            select(Certificate)
            .join(Registration, Certificate.registration_id == Registration.id)
            .where(
                registration_services.of_contacts(contacts),
                Registration.status == RegistrationStatus.CONFIRMED,
                Certificate.revoked_at.is_(None),
            )
            .options(
                joinedload(Certificate.event).selectinload(Event.sessions),
                joinedload(Certificate.event).joinedload(Event.organization),
                joinedload(Certificate.registration),
            )
            .order_by(Certificate.issued_at.desc())
        )
    )


# --- PDFs ---------------------------------------------------------------------------------------


def certificate_pdf(certificate: Certificate, upload_dir: Path) -> bytes:
    """One certificate as a PDF, in its event's current design."""
    return pdf.render([certificate], settings_for(certificate.event), upload_dir)


def _numbering_day(event: Event) -> datetime:
    """The month and year in a number are the event's (its last day), whenever it is issued."""
    if event.ends_at is None:
        raise ValidationFailed(_("Acara ini tidak memiliki sesi."), "session_required")
    return utc_to_local(event.ends_at, event.timezone)


def preview(event: Event, role: str, upload_dir: Path) -> bytes:
    """A sample certificate with the number the next one issued will get (never one that a
    person already holds)."""
    settings = settings_for(event)
    number = format_number(
        settings.number_pattern, settings.next_seq, settings.event_code, _numbering_day(event)
    )
    return pdf.render([pdf.Sample(role=role, number=number)], settings, upload_dir)


# --- Mail -----------------------------------------------------------------------------------------


# A mail job enqueued right after its commit normally runs within seconds; certificates not
# mailed by then are mailed by the sweep (mailing twice cannot happen: each is claimed once).
LOST_AFTER = timedelta(minutes=1)


def mail_certificates(certificate_ids: list[int] | None, upload_dir: Path, now: datetime) -> int:
    """Send issued certificates not sent yet, each with its PDF, to their holders (participants
    on their channels; speakers, moderators and panitia by mail): the ones given, or (None)
    every one issued more than LOST_AFTER ago, for the sweep. Returns how many were sent."""
    stmt = select(Certificate.id).where(Certificate.mailed_at.is_(None), Certificate.revoked_at.is_(None))
    if certificate_ids is None:
        stmt = stmt.where(Certificate.issued_at < now - LOST_AFTER)
    else:
        stmt = stmt.where(Certificate.id.in_(certificate_ids))
    queued = 0
    for certificate_id in db.session.scalars(stmt.order_by(Certificate.id)).all():
        # One certificate per unit of work, claimed under its row lock: two workers never
        # mail the same certificate, and a failure half-way keeps what was already sent.
        certificate = db.session.scalar(
            select(Certificate).where(Certificate.id == certificate_id).with_for_update()
        )
        if certificate is None or certificate.mailed_at is not None:
            db.session.rollback()
            continue
        certificate.mailed_at = now
        queued += _queue_certificate_message(certificate, upload_dir)
        commit()
    return queued


def _queue_certificate_message(certificate: Certificate, upload_dir: Path) -> bool:
    """The certificate with its PDF: to a participant on their channels ("sertifikat Anda sudah
    terbit" on WhatsApp, a mail), to a person on the programme by mail. False when the holder
    has no contact to send it to."""
    registration = certificate.registration
    if registration is None and not certificate.holder_email:
        return False
    event = certificate.event
    subject = _("Sertifikat: %(title)s", title=event.title)
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=certificate.holder_name),
            _(
                "Terlampir sertifikat Anda untuk %(title)s, nomor %(number)s.",
                title=event.title,
                number=certificate.number,
            ),
            _("Keaslian sertifikat dapat diperiksa di %(url)s", url=pdf.verify_url(certificate)),
        ]
    )
    document = (f"sertifikat-{certificate.code}.pdf", certificate_pdf(certificate, upload_dir))
    if registration is None:
        queue_email(certificate.holder_email, subject, body, attachment=document)
        return True
    values = {
        "nama": certificate.holder_name,
        "acara": event.title,
        "nomor": certificate.number,
        "verifikasi": pdf.verify_url(certificate),
    }
    messages.notify(event, registration, subject, body, "sertifikat_terbit", values, document=document)
    return True


# --- How the history tells these changes ---------------------------------------------------------

sentence_for("certificate_settings", "saved")(lambda c: _("Pengaturan sertifikat disimpan"))
sentence_for("certificate", "issued")(lambda c: _("%(n)d sertifikat diterbitkan", n=c.get("count", 0)))
sentence_for("certificate", "revoked")(
    lambda c: _(
        "Sertifikat %(number)s dicabut: %(reason)s", number=c.get("number", ""), reason=c.get("reason", "")
    )
)
sentence_for("certificate", "restored")(
    lambda c: _("Sertifikat %(number)s dipulihkan", number=c.get("number", ""))
)
