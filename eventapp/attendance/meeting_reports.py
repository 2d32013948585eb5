"""Online attendance from a meeting's participant report (Zoom, Google Meet): reading the
exported file, matching its names, e-mails and phone numbers to registrations, and the
organizer matching by hand what the file could not."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from eventapp.accounts.access import require_manager
from eventapp.accounts.models import User
from eventapp.attendance.models import AttendanceMethod
from eventapp.attendance.services import add_record, existing_record, session_minutes
from eventapp.audit.services import record_for_event
from eventapp.errors import PermissionDenied, ValidationFailed
from eventapp.events.models import Event, EventSession
from eventapp.extensions import db
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.registration.models import Registration, RegistrationStatus


@dataclass
class ReportRow:
    name: str
    email: str
    minutes: int


@dataclass
class ImportResult:
    attended: list[tuple[Registration, int]] = field(default_factory=list)  # stayed long enough
    short: list[tuple[Registration, int]] = field(default_factory=list)  # matched, stayed too briefly
    unmatched: list[ReportRow] = field(default_factory=list)
    required_minutes: int = 0


_NAME_COLUMNS = ("name (original name)", "name (nama asli)", "name", "nama", "full name", "participant")
_EMAIL_COLUMNS = ("user email", "email", "e-mail", "email address")
_MINUTES_COLUMNS = (
    "duration (minutes)",
    "duration (menit)",
    "total duration (minutes)",
    "duration",
    "durasi",
)


def parse_meeting_report(rows: list[tuple]) -> list[ReportRow]:
    """People and minutes from a Zoom or Google Meet participant report; a person who joined
    several times is counted once with the minutes added up."""

    def is_header(row) -> bool:
        cells = {str(c or "").strip().lower() for c in row}
        return bool(cells & set(_MINUTES_COLUMNS)) and bool(cells & set(_NAME_COLUMNS))

    # Zoom puts a meeting summary (with its own "Duration" column) above the participant table.
    header_index = next((i for i, row in enumerate(rows) if is_header(row)), None)
    if header_index is None:
        raise ValidationFailed(
            _("Kolom nama dan durasi tidak ditemukan. Unggah laporan peserta dari Zoom atau Google Meet."),
            "report_columns",
        )
    header = [str(c or "").strip().lower() for c in rows[header_index]]

    def column(names):
        return next((header.index(n) for n in names if n in header), None)

    name_col, email_col, minutes_col = column(_NAME_COLUMNS), column(_EMAIL_COLUMNS), column(_MINUTES_COLUMNS)
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows[header_index + 1 :]:
        cells = [str(c or "").strip() for c in row]
        if not any(cells) or minutes_col >= len(cells):
            continue
        name = cells[name_col] if name_col is not None and name_col < len(cells) else ""
        name = re.sub(r"\s*\(.*\)$", "", name)  # "Siti (Siti Rahmah)" → "Siti"
        email = cells[email_col].lower() if email_col is not None and email_col < len(cells) else ""
        match = re.search(r"\d+", cells[minutes_col])
        if not (name or email) or not match:
            continue
        totals[(email, name)] += int(match.group())
    return [ReportRow(name=name, email=email, minutes=minutes) for (email, name), minutes in totals.items()]


def import_meeting_report(
    actor: User, event: Event, session: EventSession, report: list[ReportRow], min_share: int, now: datetime
) -> ImportResult:
    """Match report rows to confirmed registrations (e-mail, then phone in the name, then the
    exact name) and mark those who stayed at least `min_share` % of the session as present.
    Importing the same file again gives the same records."""
    require_manager(actor, event.organization_id)
    if not 1 <= min_share <= 100:
        raise ValidationFailed(_("Batas kehadiran 1 sampai 100 persen."), "share_range")
    session_minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    result = ImportResult(required_minutes=-(-session_minutes * min_share // 100))
    people = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
        )
    ).all()
    by_email = {r.email: r for r in people if r.email}
    by_phone = {r.phone: r for r in people if r.phone}
    by_name: dict[str, list[Registration]] = defaultdict(list)
    for r in people:
        by_name[_plain_name(r.name)].append(r)
    minutes_by_person: dict[int, int] = defaultdict(int)
    found: dict[int, Registration] = {}
    for row in report:
        person = by_email.get(row.email) or _phone_in(row.name, by_phone)
        if person is None and len(by_name.get(_plain_name(row.name), [])) == 1:
            person = by_name[_plain_name(row.name)][0]
        if person is None:
            result.unmatched.append(row)
            continue
        minutes_by_person[person.id] += row.minutes
        found[person.id] = person
    for person_id, minutes in minutes_by_person.items():
        person = found[person_id]
        if minutes >= result.required_minutes:
            result.attended.append((person, minutes))
            _set_online(actor, person, session, min(minutes, session_minutes), now)
        else:
            result.short.append((person, minutes))
    record_for_event(
        actor,
        event,
        "attendance",
        session.id,
        "report_imported",
        {"hadir": len(result.attended), "singkat": len(result.short), "tidak_cocok": len(result.unmatched)},
    )
    db.session.commit()
    return result


def _plain_name(name: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", " ", name.lower()).split())


def _phone_in(name: str, by_phone: dict[str, Registration]) -> Registration | None:
    digits = re.search(r"(?:\+?62|0)8\d{7,11}", name.replace(" ", "").replace("-", ""))
    if not digits:
        return None
    try:
        return by_phone.get(normalize_phone(digits.group()))
    except InvalidPhone:
        return None


def _set_online(
    actor: User, person: Registration, session: EventSession, minutes: int, now: datetime
) -> None:
    existing = existing_record(person, session)
    if existing is not None and existing.method != AttendanceMethod.ZOOM:
        return  # a door check-in or a code entry already counts
    if existing is None:
        add_record(actor, person, session, AttendanceMethod.ZOOM, now, minutes=minutes)
    else:
        existing.minutes = minutes


def match_by_hand(
    actor: User, event: Event, session: EventSession, registration: Registration, minutes: int, now: datetime
) -> int:
    """An organizer matches an unmatched report row to a registrant; returns the minutes
    recorded (never more than the session lasted)."""
    require_manager(actor, event.organization_id)
    if registration.event_id != event.id:
        raise PermissionDenied(_("Peserta ini bukan dari acara ini."))
    minutes = max(0, min(minutes, session_minutes(session)))
    _set_online(actor, registration, session, minutes, now)
    db.session.commit()
    return minutes
