"""Attendance rules: door check-in, the online attendance code, rakor marks, the attendance
rule for certificates, the matrix and the offices' reports (meeting reports: meeting_reports)."""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from eventapp.accounts.access import require_manager, scoped
from eventapp.accounts.models import User
from eventapp.attendance.models import Attendance, AttendanceMethod, AttendanceStatus, CodeWindow
from eventapp.audit.services import record_for_event, sentence_for
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events.models import AttendanceRule, Event, EventMode, EventSession, EventStatus
from eventapp.extensions import db
from eventapp.i18n import format_datetime, format_span, format_time, utc_to_local
from eventapp.kim.models import Kim
from eventapp.outbox.jobs import commit
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.regions.models import Region
from eventapp.registration import services as registration_services
from eventapp.registration.models import Registration, RegistrationStatus

WINDOW_CODE_ALPHABET = registration_services.CODE_ALPHABET


def session_of(event: Event, session_id: int | None, now: datetime) -> EventSession:
    """The chosen session, or the one running now (else the next, else the last)."""
    if session_id is not None:
        for session in event.sessions:
            if session.id == session_id:
                return session
    for session in event.sessions:
        if session.ends_at >= now - timedelta(hours=2):
            return session
    return event.sessions[-1]


# --- At the door ---------------------------------------------------------------------------------


@dataclass
class CheckInResult:
    """What the desk shows in large letters."""

    outcome: str  # "ok", "already", "unknown", "other_event", "cancelled", "waitlisted", "other_day"
    message: str
    registration: Registration | None = None
    attendance: Attendance | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def _lookup(typed: str, organization_id: int) -> Registration | None:
    """A registration of this office's events by its code (as typed or scanned) or by its
    participant-page token/URL; another office's codes are unknown here."""
    text = typed.strip()
    token = text.rsplit("/p/", 1)[1].split("?")[0] if "/p/" in text else None
    if token:
        found = registration_services.find_by_token(token)
        return found if found is not None and found.event.organization_id == organization_id else None
    return db.session.scalar(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.code == registration_services.normalize_code(text),
            Event.organization_id == organization_id,
        )
    )


def existing_record(registration: Registration, session: EventSession) -> Attendance | None:
    """What is recorded for a person at a session, if anything."""
    return db.session.scalar(
        select(Attendance).where(
            Attendance.registration_id == registration.id, Attendance.session_id == session.id
        )
    )


def add_record(
    actor: User | None,
    registration: Registration,
    session: EventSession,
    method: str,
    now: datetime,
    status: str = AttendanceStatus.HADIR,
    minutes: int | None = None,
) -> Attendance:
    attendance = Attendance(
        registration_id=registration.id,
        session_id=session.id,
        status=status,
        method=method,
        minutes=minutes,
        recorded_at=now,
        recorded_by_id=actor.id if actor else None,
    )
    db.session.add(attendance)
    return attendance


def other_day(event: Event, session: EventSession, now: datetime) -> str | None:
    """Why the desk should not check people in for `session` today without asking: it is held
    on another day (in the event's zone). None on the session's own day."""
    today = utc_to_local(now, event.timezone).date()
    first = utc_to_local(session.starts_at, event.timezone).date()
    last = utc_to_local(session.ends_at, event.timezone).date()
    if first <= today <= last:
        return None
    return _(
        "Sesi ini dijadwalkan %(when)s, bukan hari ini. "
        "Presensi yang dicatat sekarang dihitung untuk sesi itu.",
        when=format_span(session.starts_at, session.ends_at, event.timezone),
    )


def check_in(
    actor: User,
    event: Event,
    session: EventSession,
    registration: Registration | None,
    now: datetime,
    method: str = AttendanceMethod.SCAN,
    any_day: bool = False,
) -> CheckInResult:
    """Record that a registered person is present at a session, or say clearly why not. On a
    day other than the session's, only when the desk has confirmed it (`any_day`)."""
    require_manager(actor, event.organization_id)
    if registration is None:
        return CheckInResult("unknown", _("Kode tidak dikenal. Periksa lagi, atau cari nama peserta."))
    if registration.event_id != event.id:
        return CheckInResult(
            "other_event",
            _("Kode ini untuk acara lain: %(title)s.", title=registration.event.title),
            registration,
        )
    if registration.status == RegistrationStatus.CANCELLED:
        return CheckInResult("cancelled", _("Pendaftaran ini sudah dibatalkan."), registration)
    if registration.status == RegistrationStatus.WAITLISTED:
        return CheckInResult(
            "waitlisted",
            _("Peserta ini masih di daftar tunggu; konfirmasi dulu bila ada kursi."),
            registration,
        )
    found = existing_record(registration, session)
    if found is not None and found.status == AttendanceStatus.HADIR:
        return CheckInResult(
            "already",
            _("Sudah tercatat hadir pukul %(time)s.", time=_hhmm(found.recorded_at, event)),
            registration,
            found,
        )
    if not any_day and (problem := other_day(event, session, now)):
        return CheckInResult("other_day", _("Belum dicatat. %(why)s", why=problem), registration)
    if found is not None:
        db.session.delete(found)
        db.session.flush()
    attendance = add_record(actor, registration, session, method, now)
    try:
        commit()
    except IntegrityError:  # scanned at two desks at once: the other desk was first
        db.session.rollback()
        found = existing_record(registration, session)
        if found is None:  # the other desk's check-in was undone meanwhile
            raise
        return CheckInResult(
            "already",
            _("Sudah tercatat hadir pukul %(time)s.", time=_hhmm(found.recorded_at, event)),
            registration,
            found,
        )
    return CheckInResult(
        "ok", _("Tercatat hadir %(time)s.", time=_hhmm(now, event)), registration, attendance
    )


def scan(
    actor: User, event: Event, session: EventSession, typed: str, now: datetime, any_day: bool = False
) -> CheckInResult:
    """Check in whatever the scanner or the keyboard typed: a code, or a participant-page URL."""
    return check_in(
        actor, event, session, _lookup(typed, event.organization_id), now, AttendanceMethod.SCAN, any_day
    )


def _hhmm(value: datetime, event: Event) -> str:
    return format_time(value, event.timezone)


def undo(actor: User, attendance: Attendance) -> None:
    """Take back a mistaken check-in."""
    event = attendance.registration.event
    require_manager(actor, event.organization_id)
    record_for_event(
        actor, event, "attendance", attendance.id, "undone", {"registration": attendance.registration.code}
    )
    db.session.delete(attendance)
    db.session.commit()


def session_counts(event: Event, session: EventSession) -> tuple[int, int]:
    """(present, expected) for the desk's counter: people recorded present at this session,
    and the event's confirmed registrations."""
    present = db.session.scalar(
        select(func.count(Attendance.id)).where(
            Attendance.session_id == session.id, Attendance.status == AttendanceStatus.HADIR
        )
    )
    expected = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    )
    return present or 0, expected or 0


@dataclass
class TodaySession:
    """One of today's sessions on the organizers' start page."""

    session: EventSession
    running: bool
    present: int
    confirmed: int
    waitlisted: int


def today(actor: User, now: datetime) -> list[TodaySession]:
    """The office's sessions held today (in each event's zone), running ones first, with the
    registrations and check-ins so far; three queries whatever the number of sessions."""
    # Every zone in Indonesia is within a day of UTC: fetch a wide window, then keep today.
    candidates = db.session.scalars(
        scoped(Event, actor, select(EventSession).join(Event, Event.id == EventSession.event_id))
        .where(
            Event.status == EventStatus.PUBLISHED,
            EventSession.ends_at >= now - timedelta(hours=24),
            EventSession.starts_at <= now + timedelta(hours=24),
        )
        .options(selectinload(EventSession.event))
        .order_by(EventSession.starts_at)
    ).all()
    sessions = [s for s in candidates if other_day(s.event, s, now) is None]
    if not sessions:
        return []
    present = dict(
        db.session.execute(
            select(Attendance.session_id, func.count(Attendance.id))
            .where(Attendance.status == AttendanceStatus.HADIR)
            .where(Attendance.session_id.in_([s.id for s in sessions]))
            .group_by(Attendance.session_id)
        ).all()
    )
    per_event: dict[int, dict[str, int]] = defaultdict(dict)
    for event_id, status, count in db.session.execute(
        select(Registration.event_id, Registration.status, func.count(Registration.id))
        .where(Registration.event_id.in_({s.event_id for s in sessions}))
        .group_by(Registration.event_id, Registration.status)
    ):
        per_event[event_id][status] = count
    rows = [
        TodaySession(
            session=s,
            running=s.starts_at <= now < s.ends_at,
            present=present.get(s.id, 0),
            confirmed=per_event[s.event_id].get(RegistrationStatus.CONFIRMED, 0),
            waitlisted=per_event[s.event_id].get(RegistrationStatus.WAITLISTED, 0),
        )
        for s in sessions
    ]
    return sorted(rows, key=lambda row: (not row.running, row.session.starts_at))


def search(event: Event, query: str, limit: int = 20) -> list[Registration]:
    """Registrants of this event by name, phone or KIM, for people who forgot their code."""
    text = query.strip()
    if len(text) < 2:
        return []
    pattern = f"%{text.lower()}%"
    conditions = [func.lower(Registration.name).like(pattern), func.lower(Kim.name).like(pattern)]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:
        conditions.append(Registration.phone.like(f"%{digits.lstrip('0')}%"))
    return list(
        db.session.scalars(
            select(Registration)
            .outerjoin(Kim, Kim.id == Registration.kim_id)
            .where(Registration.event_id == event.id, or_(*conditions))
            .options(selectinload(Registration.kim))
            .order_by(Registration.name)
            .limit(limit)
        )
    )


def walk_in(
    actor: User, event: Event, session: EventSession, data, now: datetime, any_day: bool = False
) -> CheckInResult:
    """Register someone at the door and check them in at once; the desk decides, so a full
    event still confirms them. Nobody is registered on another day unless the desk confirmed it."""
    require_manager(actor, event.organization_id)
    if not any_day and (problem := other_day(event, session, now)):
        return CheckInResult("other_day", _("Belum dicatat. %(why)s", why=problem))
    registration = registration_services.add_at_door(actor, event, data, now).registration
    return check_in(actor, event, session, registration, now, AttendanceMethod.WALK_IN, any_day=True)


# --- Online: the attendance code -------------------------------------------------------------------


@dataclass(frozen=True)
class CodeWindowRule:
    """When a session's attendance code may be open: from `lead` before it starts until `grace`
    after it ends (settings CODE_WINDOW_LEAD_MINUTES and CODE_WINDOW_GRACE_MINUTES)."""

    lead: timedelta = timedelta(minutes=30)
    grace: timedelta = timedelta(minutes=30)

    def last_moment(self, session: EventSession) -> datetime:
        return session.ends_at + self.grace


def open_code_window(
    actor: User, session: EventSession, minutes: int, now: datetime, rule: CodeWindowRule
) -> CodeWindow:
    """Open (or reopen) the attendance code of a session for `minutes` from now, never
    beyond the time around the session that `rule` allows."""
    event = session.event
    require_manager(actor, event.organization_id)
    if not 5 <= minutes <= 240:
        raise ValidationFailed(_("Lama jendela presensi 5 sampai 240 menit."), "window_length")
    earliest, latest = session.starts_at - rule.lead, rule.last_moment(session)
    if not earliest <= now < latest:
        raise ValidationFailed(
            _(
                "Kode presensi sesi ini hanya dapat dibuka antara %(start)s dan %(end)s.",
                start=format_datetime(earliest, event.timezone),
                end=format_datetime(latest, event.timezone),
            ),
            "window_outside_session",
        )
    window = db.session.scalar(select(CodeWindow).where(CodeWindow.session_id == session.id))
    if window is None:
        window = CodeWindow(session_id=session.id)
        db.session.add(window)
    window.code = "".join(secrets.choice(WINDOW_CODE_ALPHABET) for _ in range(6))
    window.opens_at, window.closes_at = now, min(now + timedelta(minutes=minutes), latest)
    record_for_event(actor, event, "code_window", session.id, "opened", {"closes_at": window.closes_at})
    db.session.commit()
    return window


def close_code_window(actor: User, session: EventSession, now: datetime) -> None:
    """Close a session's attendance code now."""
    require_manager(actor, session.event.organization_id)
    window = db.session.scalar(select(CodeWindow).where(CodeWindow.session_id == session.id))
    if window is not None and window.closes_at > now:
        window.closes_at = now
        db.session.commit()


def submit_code(code: str, identifier: str, now: datetime) -> Attendance:
    """A participant enters the attendance code and their registration code or phone number."""
    typed = "".join(ch for ch in code.upper() if ch.isalnum())
    windows = db.session.scalars(select(CodeWindow).where(CodeWindow.code == typed)).all()
    if not windows:
        raise DomainError(
            _("Kode presensi salah. Periksa kode yang dibacakan atau ditampilkan panitia."), "code_wrong"
        )
    open_windows = [w for w in windows if w.opens_at <= now < w.closes_at]
    if not open_windows:
        later = [w for w in windows if now < w.opens_at]
        message = _("Presensi belum dibuka.") if later else _("Waktu presensi sudah ditutup.")
        raise DomainError(message, "window_closed")
    window = open_windows[0]
    session = window.session
    registration = _identify(session.event, identifier)
    if registration is None:
        raise DomainError(
            _("Kode pendaftaran atau nomor HP tidak ditemukan di antara peserta acara ini."), "person_unknown"
        )
    if registration.status == RegistrationStatus.WAITLISTED:
        raise DomainError(
            _("Anda masih di daftar tunggu acara ini; presensi hanya untuk peserta yang terkonfirmasi."),
            "person_waitlisted",
        )
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(_("Pendaftaran ini sudah dibatalkan."), "person_cancelled")
    if registration.attendance_mode != EventMode.DARING:
        raise DomainError(
            _("Anda terdaftar hadir di tempat (luring): presensi Anda dicatat di meja registrasi."),
            "person_in_person",
        )
    found = existing_record(registration, session)
    if found is not None and found.status == AttendanceStatus.HADIR:
        return found
    if found is not None:
        db.session.delete(found)
        db.session.flush()
    attendance = add_record(None, registration, session, AttendanceMethod.CODE, now)
    db.session.commit()
    return attendance


def _identify(event: Event, identifier: str) -> Registration | None:
    text = identifier.strip()
    by_code = db.session.scalar(
        select(Registration).where(
            Registration.event_id == event.id, Registration.code == registration_services.normalize_code(text)
        )
    )
    if by_code is not None:
        return by_code
    try:
        phone = normalize_phone(text)
    except InvalidPhone:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.phone == phone)
    )


# --- Rakor marks -------------------------------------------------------------------------------


def mark(actor: User, registration: Registration, session: EventSession, status: str, now: datetime) -> None:
    """Mark an invitee hadir, izin or tidak hadir for a session."""
    event = registration.event
    require_manager(actor, event.organization_id)
    if status not in set(AttendanceStatus):
        raise ValidationFailed(_("Status kehadiran tidak dikenal."), "status_unknown")
    db.session.execute(
        delete(Attendance).where(
            Attendance.registration_id == registration.id, Attendance.session_id == session.id
        )
    )
    add_record(actor, registration, session, AttendanceMethod.MARK, now, status=status)
    db.session.commit()


# --- Rule, matrix, reports -----------------------------------------------------------------------


@dataclass
class PersonAttendance:
    registration: Registration
    by_session: dict[int, Attendance]
    attended_sessions: int
    attended_minutes: int
    meets_rule: bool


def session_minutes(session: EventSession) -> int:
    return int((session.ends_at - session.starts_at).total_seconds() // 60)


def evaluate(event: Event, registration: Registration, records: list[Attendance]) -> PersonAttendance:
    """Apply the event's attendance rule to one person's records."""
    present = {a.session_id: a for a in records if a.status == AttendanceStatus.HADIR}
    sessions = {s.id: s for s in event.sessions}
    minutes = sum(
        min(a.minutes, session_minutes(sessions[sid]))
        if a.minutes is not None
        else session_minutes(sessions[sid])
        for sid, a in present.items()
        if sid in sessions
    )
    total = sum(session_minutes(s) for s in event.sessions) or 1
    if event.attendance_rule == AttendanceRule.PERCENT:
        meets = minutes * 100 >= event.attendance_min_percent * total
    else:
        meets = len(present) >= min(event.attendance_min_sessions, len(event.sessions))
    return PersonAttendance(registration, {a.session_id: a for a in records}, len(present), minutes, meets)


def person_attendance(registration: Registration) -> PersonAttendance:
    records = db.session.scalars(
        select(Attendance).where(Attendance.registration_id == registration.id)
    ).all()
    return evaluate(registration.event, registration, list(records))


def matrix(event: Event, meets_rule: bool | None = None) -> list[PersonAttendance]:
    """Confirmed participants × sessions with the rule applied, in two queries; `meets_rule`
    keeps only those who do (True) or do not (False) meet it."""
    people = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        .options(selectinload(Registration.kim), selectinload(Registration.region))
        .order_by(Registration.name, Registration.id)
    ).all()
    records: dict[int, list[Attendance]] = defaultdict(list)
    for attendance in db.session.scalars(
        select(Attendance).join(Registration).where(Registration.event_id == event.id)
    ):
        records[attendance.registration_id].append(attendance)
    rows = [evaluate(event, person, records[person.id]) for person in people]
    return rows if meets_rule is None else [row for row in rows if row.meets_rule == meets_rule]


@dataclass
class RateRow:
    label: str
    registered: int
    present: int

    @property
    def rate(self) -> float:
        return self.present / self.registered if self.registered else 0.0


def report(actor: User, start: datetime, end: datetime) -> dict[str, list[RateRow]]:
    """Attendance rate (present in at least one session / confirmed) per event, per KIM and per
    kabupaten/kota, for the events the actor's office held between `start` and `end`."""
    first_start = (
        select(func.min(EventSession.starts_at)).where(EventSession.event_id == Event.id).scalar_subquery()
    )
    events = select(Event.id).where(
        Event.status.in_([EventStatus.PUBLISHED, EventStatus.FINISHED]),
        first_start >= start,
        first_start < end,
    )
    if not actor.is_admin:
        events = events.where(Event.organization_id == actor.organization_id)
    present = (
        select(Attendance.id)
        .where(Attendance.registration_id == Registration.id, Attendance.status == AttendanceStatus.HADIR)
        .exists()
    )
    base = (Registration.event_id.in_(events), Registration.status == RegistrationStatus.CONFIRMED)

    def rows(label, join=None) -> list[RateRow]:
        stmt = select(label, func.count(), func.count().filter(present)).select_from(Registration)
        if join is not None:
            stmt = stmt.outerjoin(*join)
        result = db.session.execute(stmt.where(*base).group_by(label).order_by(label))
        return [RateRow(name or _("(tanpa KIM/wilayah)"), total, came) for name, total, came in result]

    return {
        "event": rows(Event.title, (Event, Event.id == Registration.event_id)),
        "kim": rows(Kim.name, (Kim, Kim.id == Registration.kim_id)),
        "region": rows(Region.name, (Region, and_(Region.id == Registration.region_id))),
    }


# --- How the history tells these changes ---------------------------------------------------------

sentence_for("attendance", "undone")(
    lambda c: _("Presensi dibatalkan (kode %(code)s)", code=c.get("registration", ""))
)
sentence_for("code_window", "opened")(lambda c: _("Kode presensi daring dibuka"))
sentence_for("attendance", "report_imported")(
    lambda c: _("Laporan rapat daring diimpor: %(n)d orang tercatat hadir", n=c.get("hadir", 0))
)
