"""Registration rules: who may register when, seats and the waiting list, cancelling and
promotion, corrections, group registration by a KIM chair, and what an event's changes mean
for its participants (invitations and the organizers' lists have their own modules)."""

import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from blinker import Namespace
from email_validator import EmailNotValidError, validate_email
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from eventapp.accounts.access import require_manager
from eventapp.accounts.models import User
from eventapp.audit.services import CHANGE_ONLY, FIELD_LABELS, diff, record_for_event, sentence_for
from eventapp.dbtypes import lock_for_update
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events import services as events
from eventapp.events.models import Audience, Event, EventMode, EventSession, EventStatus
from eventapp.extensions import db
from eventapp.kim.models import (
    POSITION_LABELS,
    Gender,
    Kim,
    KimMember,
    Occupation,
    Position,
)
from eventapp.outbox.jobs import commit
from eventapp.outbox.models import OutboxMessage
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.regions.models import Region, RegionLevel
from eventapp.registration import counts, messages
from eventapp.registration.models import (
    STATUS_LABELS,
    Invitation,
    NotifyBy,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)

# Letters and digits that cannot be mistaken for one another when read aloud or typed
# (no 0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_code() -> str:
    """'KT7-M4Q9': seven characters, about 6 billion possibilities."""
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(7))
    return f"{chars[:3]}-{chars[3:]}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def normalize_code(typed: str) -> str:
    """Accept 'kt7m4q9', 'KT7 M4Q9' or 'KT7-M4Q9'."""
    chars = "".join(ch for ch in typed.upper() if ch.isalnum())
    return f"{chars[:3]}-{chars[3:]}" if len(chars) == 7 else typed.strip().upper()


# Sent before a new registration takes a seat, with the contact it gives. Contact verification
# (a one-time code to the phone or e-mail, say) plugs in here: a receiver raises a DomainError
# to refuse, and the form shows its message.
_signals = Namespace()
checking_contact = _signals.signal("registration-checking-contact")
# Sent when registrations are cancelled (by the person, an organizer, as spam), before the
# commit, with `registrations`, `now` and `reason`: higher features (certificates) add their
# own changes to the same unit of work.
registrations_cancelled = _signals.signal("registrations-cancelled")
# Sent when a new registration (or a cancelled one taken up again) is admitted, before the
# commit, with `registration` and the form's `answers`: the event's own questions are kept.
registered = _signals.signal("registration-registered")
# Sent when an organizer corrects a registrant, before the commit, with `registration`:
# certificates print the corrected name under the same number.
registration_corrected = _signals.signal("registration-corrected")


class RegistrationClosed(DomainError):
    code = "registration_closed"


@dataclass
class RegistrantData:
    name: str
    phone: str = ""
    email: str = ""
    gender: str = ""
    occupation: str = Occupation.LAINNYA
    kim_id: int | None = None
    institution: str = ""
    position: str = ""
    region_id: int | None = None
    attendance_mode: str = ""
    consent: bool = False
    # The channel chosen for messages (NotifyBy); empty: WhatsApp when a phone is given.
    notify_by: str = ""
    # The event's own questions, answered and checked by the questionnaires feature, which
    # keeps them (see `registered`).
    answers: dict = field(default_factory=dict)

    @classmethod
    def of_member(cls, member: KimMember, **overrides) -> "RegistrantData":
        """A KIM member as the registry knows them; the KIM role is written in Indonesian,
        whatever language the person registering them reads (lists and certificates print it)."""
        with force_locale("id"):
            position = str(POSITION_LABELS[member.position])
        data = cls(
            name=member.name,
            phone=member.phone or "",
            email=member.email or "",
            gender=member.gender,
            occupation=member.occupation,
            kim_id=member.kim_id,
            position=position,
        )
        return replace(data, **overrides)


@dataclass
class RegistrationResult:
    registration: Registration
    existing: bool = False  # the person was registered already; nothing new was taken
    link_sent: bool = False  # the existing registration's link went again to its own contact


# --- Who may register, and seats ------------------------------------------------------------


@dataclass
class Seats:
    mode: str
    capacity: int | None
    confirmed: int = 0
    waitlisted: int = 0

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


def seats(event: Event) -> dict[str, Seats]:
    """Seats per attendance mode, from the counts on the event's row."""
    result = {mode: Seats(mode, event.capacity_for(mode)) for mode in event.modes}
    for (status, mode), count in counts.counts(event).items():
        if mode in result:
            setattr(result[mode], status, count)
    return result


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first person waiting in the same mode; None when not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.attendance_mode == registration.attendance_mode,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.queue_number < registration.queue_number,
        )
    )
    return (ahead or 0) + 1


def province_of(event: Event) -> Region | None:
    """The province of the organizing office, whose kabupaten/kota the registration form lists."""
    area = event.organization.region
    if area is None:
        return None
    return area if area.level == RegionLevel.PROVINSI else area.parent


def _kim_in_reach(event: Event, kim: Kim) -> bool:
    """A KIM the form offers for this event: one in the organizing office's province."""
    province = province_of(event)
    kabupaten = kim.kabupaten
    return province is None or (kabupaten is not None and kabupaten.parent_id == province.id)


# --- Registering ------------------------------------------------------------------------------


class InvalidRegistrant(ValidationFailed):
    """Everything wrong with what was typed, at once: [(code, message), ...]."""

    problems: list[tuple[str, str]]

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(problems[0][1], problems[0][0], problems)


def registrant_problems(event: Event, data: RegistrantData, require_consent: bool) -> list[tuple[str, str]]:
    """Every rule the typed details break, as (code, message); empty when they are fine. Forms
    show these together with their own errors, so a person fixes everything in one go."""
    try:
        clean_registrant(event, data, require_consent)
    except InvalidRegistrant as error:
        return error.problems
    return []


def clean_registrant(event: Event, data: RegistrantData, require_consent: bool) -> dict:
    problems: list[tuple[str, str]] = []
    if not data.name.strip():
        problems.append(("name_required", _("Nama wajib diisi.")))
    phone = email = None
    if data.phone.strip():
        try:
            phone = normalize_phone(data.phone)
        except InvalidPhone as exc:
            problems.append(("phone_invalid", str(exc)))
    if data.email.strip():
        try:
            email = validate_email(data.email.strip(), check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            problems.append(("email_invalid", _("Alamat e-mail tidak valid.")))
    if not data.phone.strip() and not data.email.strip():
        problems.append(
            ("contact_required", _("Isi nomor WhatsApp atau e-mail, agar kami dapat menghubungi Anda."))
        )
    if data.gender not in set(Gender):
        problems.append(("gender_required", _("Pilih jenis kelamin.")))
    if data.occupation not in set(Occupation):
        problems.append(("occupation_unknown", _("Pilih pekerjaan.")))
    kim = db.session.get(Kim, data.kim_id) if data.kim_id else None
    if data.kim_id and (kim is None or not kim.active or not _kim_in_reach(event, kim)):
        problems.append(("kim_unknown", _("KIM yang dipilih tidak ditemukan.")))
        kim = None
    elif kim is None and event.audience == Audience.KIM:
        problems.append(("kim_required", _("Acara ini untuk anggota KIM: pilih KIM Anda.")))
    elif kim is None and not data.institution.strip():
        problems.append(("institution_required", _("Isi instansi atau lembaga asal Anda.")))
    mode = data.attendance_mode if event.mode == EventMode.HIBRIDA else event.mode
    if mode not in event.modes:
        problems.append(("mode_required", _("Pilih cara mengikuti acara: luring atau daring.")))
    if data.notify_by and data.notify_by not in set(NotifyBy):
        problems.append(
            ("notify_by_unknown", _("Pilih saluran pemberitahuan: WhatsApp, e-mail atau keduanya."))
        )
    if require_consent and not data.consent:
        problems.append(
            ("consent_required", _("Persetujuan penggunaan data pribadi diperlukan untuk mendaftar."))
        )
    if problems:
        raise InvalidRegistrant(problems)
    region_id = data.region_id
    if kim is not None:
        region_id = kim.kabupaten.id if kim.kabupaten is not None else None
    elif region_id is not None and db.session.get(Region, region_id) is None:
        region_id = None
    return {
        "name": " ".join(data.name.split()),
        "phone": phone,
        "email": email,
        "gender": data.gender,
        "occupation": data.occupation,
        "kim_id": kim.id if kim else None,
        "institution": "" if kim else data.institution.strip(),
        "position": data.position.strip(),
        "region_id": region_id,
        "attendance_mode": mode,
        "notify_by": data.notify_by or NotifyBy.WHATSAPP,
    }


def _find_existing(event_id: int, phone: str | None, email: str | None) -> Registration | None:
    conditions = []
    if phone:
        conditions.append(Registration.phone == phone)
    if email:
        conditions.append(Registration.email == email)
    return db.session.scalar(
        select(Registration)
        .where(Registration.event_id == event_id, or_(*conditions))
        .order_by(Registration.id)
    )


def _has_seat(event: Event, mode: str, confirmed: int) -> bool:
    capacity = event.capacity_for(mode)
    return capacity is None or confirmed < capacity


def _queue_state(event: Event, mode: str) -> tuple[RegistrationStatus, int]:
    """Lock the event and give a newcomer in `mode` their status (confirmed while seats remain,
    else waiting list) and the next number in the event's queue, in one statement."""
    confirmed, number = counts.take_queue_place(event, mode)
    return (
        RegistrationStatus.CONFIRMED if _has_seat(event, mode, confirmed) else RegistrationStatus.WAITLISTED
    ), number


def _admit(
    event: Event,
    values: dict,
    now: datetime,
    source: str,
    consent: bool,
    existing: Registration | None,
    seat_assured: bool = False,
) -> Registration:
    """Give a seat or a waiting-list place and queue the message that says which; the caller
    holds the event lock. `seat_assured`: confirmed even when full (the door decides)."""
    status, queue_number = _queue_state(event, values["attendance_mode"])
    if seat_assured:
        status = RegistrationStatus.CONFIRMED
    registration = existing or Registration(event_id=event.id, code=new_code(), token=new_token())
    for key, value in values.items():
        setattr(registration, key, value)
    registration.status = status
    registration.source = source
    registration.queue_number = queue_number
    registration.cancelled_at = None
    if consent:
        registration.consent_at = now
    if existing is None:
        db.session.add(registration)
    db.session.flush()
    messages.registered(event, registration, lambda: waitlist_position(registration), now)
    return registration


def register(
    event: Event,
    data: RegistrantData,
    now: datetime,
    invitation: Invitation | None = None,
    source: str = RegistrationSource.ONLINE,
) -> RegistrationResult:
    """Register one person from the public form (or their invitation link).

    A person already registered with the same phone or e-mail gets their registration back
    instead of a second seat. Seats are counted under a lock on the event, so two people can
    never take the last seat together; who does not fit goes onto the waiting list.
    """
    reason = events.closed_reason(event, now, invited=invitation is not None)
    if reason:
        raise RegistrationClosed(reason)
    values = clean_registrant(event, data, require_consent=True)
    existing = _find_existing(event.id, values["phone"], values["email"])
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        # Whoever typed a registered phone or e-mail learns only that; the owner gets the link.
        link_sent = bool(messages.link_again(event, existing))
        commit()
        return RegistrationResult(existing, existing=True, link_sent=link_sent)
    checking_contact.send(event, phone=values["phone"], email=values["email"], now=now)
    if invitation is not None:
        source = RegistrationSource.INVITATION
    # A new person registering twice at once is stopped by the unique (event, phone/e-mail) keys.
    try:
        result = _enrol(event, values, now, source, data.consent, existing)
        if not result.existing:
            registered.send(event, registration=result.registration, answers=data.answers)
        if invitation is not None and not result.existing:
            invitation.registration_id = result.registration.id
            invitation.excused_at, invitation.excuse = None, ""
        commit()
    except IntegrityError:
        db.session.rollback()
        found = _find_existing(event.id, values["phone"], values["email"])
        if found is None:
            raise
        return RegistrationResult(found, existing=True)
    return result


def _enrol(
    event: Event, values: dict, now: datetime, source: str, consent: bool, existing: Registration | None
) -> RegistrationResult:
    """Admit the person (seat or waiting list) under the event's lock, which the queue
    number's UPDATE takes; the caller commits."""
    if existing is not None:
        # Someone may have brought the cancelled registration back while this request waited.
        lock_for_update(Event, event.id)
        db.session.refresh(existing)
        if existing.status != RegistrationStatus.CANCELLED:
            return RegistrationResult(existing, existing=True)
    return RegistrationResult(_admit(event, values, now, source, consent, existing))


def _promote_waiting(event: Event, mode: str, now: datetime) -> None:
    """Fill free seats in `mode` from the front of its waiting list, telling each person
    promoted; the caller holds the lock."""
    while True:
        if not _has_seat(event, mode, counts.confirmed_in(event, mode)):
            return
        first = db.session.scalar(
            select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.attendance_mode == mode,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.queue_number)
            .limit(1)
        )
        if first is None:
            return
        first.status = RegistrationStatus.CONFIRMED
        first.promoted_at = now
        db.session.flush()
        messages.promoted(event, first, now)


def cancel(registration: Registration, now: datetime, actor: User | None = None) -> Registration:
    """Cancel a registration (by the participant, or an organizer); the seat goes to the first
    person waiting in the same mode, who is told."""
    event = registration.event
    if actor is not None:
        require_manager(actor, event.organization_id)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if event.status in (EventStatus.FINISHED, EventStatus.CANCELLED):
        raise DomainError(_("Acara ini sudah selesai atau dibatalkan."), "event_over")
    lock_for_update(Event, event.id)
    db.session.refresh(registration)
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    messages.cancelled(event, registration, was_confirmed, now)
    if was_confirmed:
        _promote_waiting(event, registration.attendance_mode, now)
    by_organizer = actor is not None
    reason = _("Dibatalkan oleh panitia.") if by_organizer else _("Dibatalkan oleh peserta.")
    registrations_cancelled.send(event, registrations=[registration], now=now, reason=reason)
    record_for_event(
        actor,
        event,
        "registration",
        registration.id,
        "cancelled",
        {"by": "panitia" if by_organizer else "peserta"},
    )
    commit()
    return registration


def cancel_as_spam(actor: User, event: Event, registration_ids: list[int], now: datetime) -> int:
    """Cancel registrations an organizer marks as spam, all at once. Their contacts are not
    written to (they are fake, or belong to people who did not register); the freed seats go
    to the waiting list, who are told. Returns how many were cancelled."""
    require_manager(actor, event.organization_id)
    if event.status in (EventStatus.FINISHED, EventStatus.CANCELLED):
        raise DomainError(_("Acara ini sudah selesai atau dibatalkan."), "event_over")
    lock_for_update(Event, event.id)
    chosen = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.id.in_(registration_ids),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).all()
    freed_modes = {r.attendance_mode for r in chosen if r.status == RegistrationStatus.CONFIRMED}
    for registration in chosen:
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
    db.session.flush()
    for mode in sorted(freed_modes):
        _promote_waiting(event, mode, now)
    registrations_cancelled.send(event, registrations=chosen, now=now, reason=_("Dibatalkan sebagai spam."))
    if chosen:
        codes = [r.code for r in chosen]
        record_for_event(actor, event, "registration", event.id, "spam", {"codes": codes})
    commit()
    return len(chosen)


def can_cancel(registration: Registration) -> bool:
    """A participant may cancel while registered or waiting and the event is still ahead."""
    return (
        registration.status != RegistrationStatus.CANCELLED
        and registration.event.status == EventStatus.PUBLISHED
    )


def find_by_token(token: str) -> Registration | None:
    return db.session.scalar(select(Registration).where(Registration.token == token))


def of_contacts(contacts: list[str]):
    """A condition: the registration gives one of `contacts` (phones in E.164, e-mails in lower
    case) as its phone or e-mail."""
    return or_(Registration.phone.in_(contacts), Registration.email.in_(contacts))


def last_organization(contact: str) -> int | None:
    """The office this contact last registered with: its WhatsApp number sends them a code."""
    return db.session.scalar(
        select(Event.organization_id)
        .join(Registration, Registration.event_id == Event.id)
        .where(of_contacts([contact]))
        .order_by(Registration.created_at.desc())
        .limit(1)
    )


# --- Organizer actions ------------------------------------------------------------------------


def add_by_organizer(actor: User, event: Event, data: RegistrantData, now: datetime) -> RegistrationResult:
    """An organizer registers someone by hand (a phone call, a letter): no window applies, and
    the person is confirmed or waitlisted like everyone else."""
    result = _add_by_hand(actor, event, data, now, at_door=False)
    commit()
    return result


def add_at_door(actor: User, event: Event, data: RegistrantData, now: datetime) -> RegistrationResult:
    """Register someone who turned up at the door, confirmed even when the event is full (and
    confirm them if they were waiting). Part of the desk's walk-in: attendance.walk_in
    commits it together with the check-in."""
    return _add_by_hand(actor, event, data, now, at_door=True)


def _add_by_hand(
    actor: User, event: Event, data: RegistrantData, now: datetime, *, at_door: bool
) -> RegistrationResult:
    require_manager(actor, event.organization_id)
    if event.status == EventStatus.CANCELLED:
        raise RegistrationClosed(_("Acara ini dibatalkan."))
    values = clean_registrant(event, data, require_consent=False)
    existing = _find_existing(event.id, values["phone"], values["email"])
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        if at_door and existing.status == RegistrationStatus.WAITLISTED:
            _change_status(actor, existing, RegistrationStatus.CONFIRMED, now)
        return RegistrationResult(existing, existing=True)
    lock_for_update(Event, event.id)
    registration = _admit(
        event, values, now, RegistrationSource.MANUAL, False, existing, seat_assured=at_door
    )
    record_for_event(actor, event, "registration", registration.id, "added", {"name": registration.name})
    return RegistrationResult(registration)


# What an organizer may correct; gender and occupation come along from the same form.
CORRECTABLE = (
    "name",
    "phone",
    "email",
    "notify_by",
    "gender",
    "occupation",
    "kim_id",
    "institution",
    "position",
)


def correct_registrant(actor: User, registration: Registration, data: RegistrantData, now: datetime) -> dict:
    """An organizer corrects a registrant's details (and mode); the change goes into the
    history, and an issued certificate is printed with the corrected name under its number.
    A pending name request is settled by it. Returns what changed ({field: [old, new]})."""
    event = registration.event
    require_manager(actor, event.organization_id)
    values = clean_registrant(event, data, require_consent=False)
    lock_for_update(Event, event.id)
    for field_code, phone, email in (
        ("phone_invalid", values["phone"], None),
        ("email_invalid", None, values["email"]),
    ):
        other = _find_existing(event.id, phone, email) if phone or email else None
        if other is not None and other.id != registration.id:
            message = _("Sudah dipakai pendaftar lain di acara ini (kode %(code)s).", code=other.code)
            raise ValidationFailed(message, field_code)
    changed = {key: values[key] for key in (*CORRECTABLE, "region_id", "attendance_mode")}
    changes = diff(registration, changed)
    old_mode = registration.attendance_mode
    for key, value in changed.items():
        setattr(registration, key, value)
    registration.requested_name = None
    if "attendance_mode" in changes and registration.status == RegistrationStatus.CONFIRMED:
        db.session.flush()
        _promote_waiting(event, old_mode, now)
    if changes:
        registration_corrected.send(event, registration=registration, now=now)
        record_for_event(actor, event, "registration", registration.id, "updated", changes)
    commit()
    return changes


def request_name_correction(registration: Registration, name: str) -> None:
    """A participant asks for another name on the certificate; an organizer approves it."""
    wanted = " ".join(name.split())
    if not wanted:
        raise ValidationFailed(_("Tuliskan nama yang benar."), "name_required")
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(_("Pendaftaran ini sudah dibatalkan."), "cancelled")
    registration.requested_name = None if wanted == registration.name else wanted
    db.session.commit()


def set_status(actor: User, registration: Registration, status: str, now: datetime) -> None:
    """Change a registration's status by hand. Confirming may go beyond capacity (the organizer
    decides); cancelling frees the seat for the waiting list."""
    event = registration.event
    require_manager(actor, event.organization_id)
    if status not in set(RegistrationStatus):
        raise ValidationFailed(_("Status tidak dikenal."), "status_unknown")
    if status == registration.status:
        return
    if status == RegistrationStatus.CANCELLED:
        cancel(registration, now, actor)
        return
    _change_status(actor, registration, status, now)
    commit()


def _change_status(actor: User, registration: Registration, status: str, now: datetime) -> None:
    """Confirm or waitlist by hand, telling the person confirmed and moving the waiting list up
    when a seat is freed; the caller commits."""
    event = registration.event
    lock_for_update(Event, event.id)
    old = registration.status
    registration.status = RegistrationStatus(status)
    registration.cancelled_at = None
    if status == RegistrationStatus.WAITLISTED:
        registration.queue_number = _queue_state(event, registration.attendance_mode)[1]
    if status == RegistrationStatus.CONFIRMED:
        registration.promoted_at = now
        messages.promoted(event, registration, now)
    elif old == RegistrationStatus.CONFIRMED:
        _promote_waiting(event, registration.attendance_mode, now)
    record_for_event(actor, event, "registration", registration.id, "status", {"status": [old, status]})


def resend_confirmation(actor: User, registration: Registration, now: datetime) -> list[OutboxMessage]:
    """Send the registration message again, on each of the person's channels; a cancelled
    registration has nothing to confirm."""
    event = registration.event
    require_manager(actor, event.organization_id)
    if registration.is_cancelled:
        raise DomainError(_("Pendaftaran ini sudah dibatalkan: tidak ada yang dikirim ulang."), "cancelled")
    queued = messages.registered(event, registration, lambda: waitlist_position(registration), now)
    commit()
    return queued


# --- What an event's changes mean for its participants (receivers of events' signals) -------------


def _tell_confirmed(event: Event, message_for) -> None:
    """Queue `message_for(event, registration)` for every confirmed participant."""
    confirmed = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    for registration in confirmed:
        message_for(event, registration)


def on_event_changed(event: Event, *, changes: dict, now: datetime) -> None:
    """A new time, place or link reaches confirmed participants; added seats (or a new mode)
    go to the people waiting."""
    if events.needs_notice(changes) and event.status == EventStatus.PUBLISHED:
        _tell_confirmed(event, lambda e, r: messages.event_updated(e, r, now))
    if {"venue_capacity", "online_capacity", "mode"} & changes.keys():
        lock_for_update(Event, event.id)
        for mode in event.modes:
            _promote_waiting(event, mode, now)


def on_session_added(event: Event, *, session: EventSession, now: datetime) -> None:
    if event.status == EventStatus.PUBLISHED:
        _tell_confirmed(event, lambda e, r: messages.event_updated(e, r, now))


def on_session_changed(event: Event, *, session: EventSession, changes: dict, now: datetime) -> None:
    if events.needs_notice(changes) and event.status == EventStatus.PUBLISHED:
        _tell_confirmed(event, lambda e, r: messages.event_updated(e, r, now))


def on_session_removed(event: Event, *, session: EventSession, now: datetime) -> None:
    if event.status == EventStatus.PUBLISHED:
        _tell_confirmed(event, lambda e, r: messages.session_removed(e, session, r, now))


def on_event_cancelled(event: Event, *, now: datetime) -> int:
    """Everyone registered or waiting learns of the cancellation and its reason."""
    people = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED
        )
    ).all()
    for registration in people:
        messages.event_cancelled(event, registration, now)
    return len(people)


# --- Group registration by a KIM chair ------------------------------------------------------


def find_chair(registration_number: str, phone: str, chair_code: str, phone_proven: bool = False) -> Kim:
    """The active KIM with this nomor induk whose ketua has this phone, if the chair code the
    office gave the chair matches or the chair has just proven the phone with a one-time
    code: the number and the phone alone are public knowledge."""
    try:
        normal = normalize_phone(phone)
    except InvalidPhone as exc:
        raise ValidationFailed(str(exc), "phone_invalid")
    kims = db.session.scalars(
        select(Kim)
        .join(KimMember)
        .where(
            func.lower(Kim.registration_number) == registration_number.strip().lower(),
            Kim.active.is_(True),
            KimMember.phone == normal,
            KimMember.position == Position.KETUA,
        )
    )
    typed = "".join(chair_code.split()).upper().replace("-", "")
    for kim in kims:
        if phone_proven or secrets.compare_digest(kim.chair_code.encode(), typed.encode()):
            return kim
    if phone_proven:
        raise ValidationFailed(
            _("Nomor induk KIM dan nomor HP ketua tidak cocok dengan data KIM aktif."), "chair_unknown"
        )
    raise ValidationFailed(
        _("Nomor induk KIM, nomor HP ketua dan kode ketua tidak cocok dengan data KIM aktif."),
        "chair_unknown",
    )


@dataclass
class GroupResult:
    registered: list[RegistrationResult] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


def registered_members(event: Event, kim: Kim) -> dict[int, Registration]:
    """The members of `kim` who already hold a registration for the event (not cancelled),
    found by the phone or e-mail in the registry, as the registration itself matches them."""
    phones = {m.phone: m.id for m in kim.members if m.phone}
    emails = {m.email.lower(): m.id for m in kim.members if m.email}
    if not phones and not emails:
        return {}
    found = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
            or_(Registration.phone.in_(phones), func.lower(Registration.email).in_(emails)),
        )
    )
    result = {}
    for registration in found:
        member_id = phones.get(registration.phone or "") or emails.get((registration.email or "").lower())
        if member_id is not None:
            result[member_id] = registration
    return result


def group_defaults(event: Event, seats_left: dict[str, Seats]) -> tuple[str, bool]:
    """What the chair's form starts with, given the event's `seats`: the first mode that still
    has a seat (a full hall is not offered first), and whether members are ticked at all (not
    when every mode is full, since they would all wait)."""
    for mode, count in seats_left.items():
        if count.left is None or count.left > 0:
            return mode, True
    return event.modes[0], False


def register_group(event: Event, kim: Kim, choices: dict[int, str], now: datetime) -> GroupResult:
    """A KIM chair registers chosen members of their KIM at once, each in the mode chosen for
    them ({member id: mode}), with the contact details in the registry. Each member gets a
    registration (and page) of their own; members whose registry data cannot be used are
    listed with the reason. One unit of work for the whole group."""
    reason = events.closed_reason(event, now)
    if reason:
        raise RegistrationClosed(reason)
    chosen = [m for m in kim.members if m.id in choices]
    if not chosen:
        raise ValidationFailed(_("Pilih sedikitnya satu anggota."), "members_required")
    result = GroupResult()
    admitted: list[dict] = []
    for member in chosen:
        if not member.phone and not member.email:
            result.skipped.append((member.name, _("tidak ada nomor HP atau e-mail di data KIM")))
            continue
        data = RegistrantData.of_member(member, attendance_mode=choices[member.id], consent=True)
        try:
            admitted.append(clean_registrant(event, data, require_consent=True))
        except ValidationFailed as error:
            result.skipped.append((member.name, error.message))
    for values in admitted:
        existing = _find_existing(event.id, values["phone"], values["email"])
        result.registered.append(_enrol(event, values, now, RegistrationSource.GROUP, True, existing))
    commit()
    return result


# --- How the history tells these changes ---------------------------------------------------------

sentence_for("registration", "added")(
    lambda c: _("Peserta ditambahkan panitia: %(name)s", name=c.get("name", ""))
)
sentence_for("registration", "status")(
    lambda c: _(
        "Status pendaftaran diubah: %(old)s → %(new)s",
        old=STATUS_LABELS.get(c.get("status", ["", ""])[0], ""),
        new=STATUS_LABELS.get(c.get("status", ["", ""])[1], ""),
    )
)
sentence_for("registration", "cancelled")(
    lambda c: (
        _("Pendaftaran dibatalkan panitia")
        if c.get("by") == "panitia"
        else _("Pendaftaran dibatalkan peserta")
    )
)
sentence_for("registration", "spam")(
    lambda c: _("%(n)d pendaftaran dibatalkan sebagai spam", n=len(c.get("codes", [])))
)
sentence_for("registration", "updated")(lambda c: _("Data peserta diperbaiki"))
FIELD_LABELS.update(
    {
        "name": lambda: _("Nama"),
        "phone": lambda: _("Nomor HP"),
        "email": lambda: _("E-mail"),
        "gender": lambda: _("Jenis kelamin"),
        "occupation": lambda: _("Pekerjaan"),
        "kim_id": lambda: _("KIM"),
        "institution": lambda: _("Instansi"),
        "position": lambda: _("Jabatan"),
        "attendance_mode": lambda: _("Cara mengikuti"),
        "notify_by": lambda: _("Saluran pemberitahuan"),
    }
)
CHANGE_ONLY.update({"gender", "occupation", "kim_id", "attendance_mode", "notify_by"})
sentence_for("invitation", "added")(lambda c: _("%(n)d undangan dibuat", n=c.get("count", 0)))
sentence_for("invitation", "sent")(lambda c: _("%(n)d undangan dikirim", n=c.get("count", 0)))
