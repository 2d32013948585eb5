"""Event rules: defaults per kind, creating, editing, publishing, duplicating, listing."""

import re
import secrets
import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import joinedload, selectinload

from eventapp import textrules
from eventapp.accounts.access import require_manager, scoped
from eventapp.accounts.models import Organization, User
from eventapp.audit.services import FIELD_LABELS, diff, record, record_for_event, sentence_for
from eventapp.errors import ValidationFailed
from eventapp.events.models import (
    ROLE_LABELS,
    TIMEZONES,
    AttendanceRule,
    Audience,
    Event,
    EventKind,
    EventMode,
    EventPerson,
    EventSession,
    EventStatus,
    PersonRole,
)
from eventapp.extensions import db
from eventapp.i18n import local_to_utc
from eventapp.outbox.jobs import commit
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.regions.models import Region, RegionLevel
from eventapp.uploads import delete_image, store_image

# What happened to an event, sent inside the service's unit of work before it commits: higher
# features (registration tells participants and moves the waiting list) add their rows to the
# same transaction, so the change and its consequences are saved, or not, together.
_signals = Namespace()
event_changed = _signals.signal("event-changed")  # event; changes={field: [old, new]}, now
session_added = _signals.signal("session-added")  # event; session, now
session_changed = _signals.signal("session-changed")  # event; session, changes, now
session_removed = _signals.signal("session-removed")  # event; session (already detached), now
# Receivers return how many people they told; cancel_event adds those up.
event_cancelled = _signals.signal("event-cancelled")  # event; now

POSTER_MAX_BYTES = 3 * 1024 * 1024


@dataclass
class EventData:
    title: str
    kind: str
    mode: str
    audience: str = Audience.UMUM
    description: str = ""
    region_id: int | None = None
    venue_name: str = ""
    venue_address: str = ""
    map_url: str = ""
    online_url: str = ""
    online_passcode: str = ""
    timezone: str = "Asia/Jakarta"
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    venue_capacity: int | None = None
    online_capacity: int | None = None
    contact_name: str = ""
    contact_phone: str = ""
    reminders_enabled: bool = True
    verify_contact: bool = False
    attendance_rule: str = AttendanceRule.SESSIONS
    attendance_min_sessions: int = 1
    attendance_min_percent: int = 75

    @classmethod
    def from_event(cls, event: Event, **changes) -> "EventData":
        """What the event holds now, with `changes` applied: the starting point of an edit."""
        values = {f.name: getattr(event, f.name) for f in fields(cls)}
        return cls(**(values | changes))


@dataclass
class SessionData:
    day: date
    start: time
    end: time
    title: str = ""


@dataclass
class KindDefaults:
    """What an organizer usually wants for a kind of event, to pre-fill the form."""

    mode: str
    audience: str
    venue_capacity: int | None
    online_capacity: int | None
    start: time
    end: time
    days: int = 1


KIND_DEFAULTS: dict[str, KindDefaults] = {
    EventKind.SOSIALISASI: KindDefaults(EventMode.LURING, Audience.UMUM, 100, None, time(9), time(12)),
    # A Zoom meeting licence commonly holds 300 people.
    EventKind.WEBINAR: KindDefaults(EventMode.DARING, Audience.UMUM, None, 300, time(9), time(11)),
    EventKind.RAKOR: KindDefaults(EventMode.LURING, Audience.UNDANGAN, 40, None, time(9), time(12)),
    EventKind.PEMBINAAN: KindDefaults(EventMode.LURING, Audience.KIM, 30, None, time(9), time(12)),
    EventKind.BIMTEK: KindDefaults(EventMode.LURING, Audience.KIM, 40, None, time(8), time(16), days=3),
    EventKind.PELATIHAN: KindDefaults(EventMode.LURING, Audience.KIM, 30, None, time(8), time(16), days=2),
    EventKind.LAINNYA: KindDefaults(EventMode.LURING, Audience.UMUM, None, None, time(9), time(12)),
}


def defaults_for(kind: str) -> KindDefaults:
    return KIND_DEFAULTS.get(kind, KIND_DEFAULTS[EventKind.LAINNYA])


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "acara"


def _unique_slug(title: str) -> str:
    base = slugify(title)
    slug = base
    while db.session.scalar(select(Event.id).where(Event.slug == slug)) is not None:
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def _validate(data: EventData) -> None:
    if not data.title.strip():
        raise ValidationFailed(_("Judul acara wajib diisi."), "title_required")
    if (
        data.kind not in set(EventKind)
        or data.mode not in set(EventMode)
        or data.audience not in set(Audience)
    ):
        raise ValidationFailed(_("Jenis, moda atau sasaran acara tidak dikenal."), "choice_unknown")
    if (
        data.attendance_rule not in set(AttendanceRule)
        or data.attendance_min_sessions < 1
        or not (1 <= data.attendance_min_percent <= 100)
    ):
        raise ValidationFailed(
            _("Aturan kehadiran: sedikitnya 1 sesi, atau 1–100 persen."), "attendance_rule"
        )
    if data.timezone not in TIMEZONES:
        raise ValidationFailed(_("Zona waktu harus WIB, WITA atau WIT."), "timezone_unknown")
    one_line = (data.title, data.venue_name, data.map_url, data.online_url, data.online_passcode)
    if not all(textrules.is_single_line(value) for value in (*one_line, data.contact_name)):
        raise ValidationFailed(str(textrules.LINE_BREAK_MESSAGE), "line_break")
    if not textrules.all_web_urls((data.map_url, data.online_url)):
        raise ValidationFailed(str(textrules.WEB_URL_MESSAGE), "url_scheme")
    if data.mode in (EventMode.LURING, EventMode.HIBRIDA) and not data.venue_name.strip():
        raise ValidationFailed(_("Acara luring atau hibrida memerlukan nama tempat."), "venue_required")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens and closes and closes <= opens:
        raise ValidationFailed(_("Pendaftaran harus ditutup setelah dibuka."), "registration_window")
    if data.region_id is not None:
        region = db.session.get(Region, data.region_id)
        if region is None or region.level != RegionLevel.KABUPATEN:
            raise ValidationFailed(_("Pilih kabupaten/kota."), "region_unknown")


def _session_times(data: SessionData, tz_name: str) -> tuple[datetime, datetime]:
    starts = local_to_utc(data.day, data.start, tz_name)
    ends = local_to_utc(data.day, data.end, tz_name)
    if ends <= starts:
        raise ValidationFailed(_("Jam selesai harus setelah jam mulai."), "session_order")
    return starts, ends


def _event_values(data: EventData) -> dict:
    values = {f.name: getattr(data, f.name) for f in fields(data)}
    for key, value in values.items():
        if isinstance(value, str):
            # Browsers send a text area's line breaks as CRLF: saving unchanged is no change.
            values[key] = value.strip().replace("\r\n", "\n")
    if values["contact_phone"]:
        try:
            values["contact_phone"] = normalize_phone(values["contact_phone"])
        except InvalidPhone as exc:
            raise ValidationFailed(str(exc), "contact_phone_invalid")
    return values


def _store_poster(poster: bytes | None, upload_dir: Path | None) -> str | None:
    """Check and save an uploaded poster before anything else is written, so a bad image
    leaves the event as it was."""
    if not poster:
        return None
    if upload_dir is None:
        raise ValueError("a poster needs the upload folder")
    return store_image(poster, upload_dir / "posters", POSTER_MAX_BYTES, 1200, "poster")


def create_event(
    actor: User,
    organization: Organization,
    data: EventData,
    sessions: list[SessionData],
    poster: bytes | None = None,
    upload_dir: Path | None = None,
) -> Event:
    """Create a draft event with its first session(s) and poster; it is not public until published."""
    require_manager(actor, organization.id)
    _validate(data)
    if not sessions:
        raise ValidationFailed(_("Isi tanggal dan jam sesi pertama."), "session_required")
    poster_filename = _store_poster(poster, upload_dir)
    event = Event(
        poster_filename=poster_filename,
        organization_id=organization.id,
        slug=_unique_slug(data.title),
        status=EventStatus.DRAFT,
        **_event_values(data),
    )
    for session_data in sessions:
        starts, ends = _session_times(session_data, data.timezone)
        event.sessions.append(EventSession(title=session_data.title.strip(), starts_at=starts, ends_at=ends))
    db.session.add(event)
    db.session.flush()
    record(actor, organization.id, "event", event.id, "created", {"title": event.title}, event_id=event.id)
    db.session.commit()
    return event


def update_event(
    actor: User,
    event: Event,
    data: EventData,
    now: datetime,
    poster: bytes | None = None,
    upload_dir: Path | None = None,
) -> dict:
    """Save edits to an event (and a new poster) and return what changed ({field: [old, new]}).
    Participants are told of a new time, place or link, and added seats go to people waiting
    (event_changed), in the same commit."""
    require_manager(actor, event.organization_id)
    _validate(data)
    values = _event_values(data)
    poster_filename = _store_poster(poster, upload_dir)
    if poster_filename:
        values["poster_filename"] = poster_filename
    changes = diff(event, values)
    if not changes:
        return {}
    if "timezone" in changes:
        # The wall-clock times stay what the organizer typed; their instants move with the zone.
        old_tz = changes["timezone"][0]
        for session in event.sessions:
            for attr in ("starts_at", "ends_at"):
                local = getattr(session, attr).astimezone(ZoneInfo(old_tz)).replace(tzinfo=None)
                setattr(session, attr, local_to_utc(local.date(), local.time(), data.timezone))
    old_poster = event.poster_filename
    for key, value in values.items():
        setattr(event, key, value)
    if needs_notice(changes):
        for session in event.sessions:
            session.sequence += 1
    record_for_event(actor, event, "event", event.id, "updated", changes)
    event_changed.send(event, changes=changes, now=now)
    commit()
    # A duplicated event shares its original's poster file until either gets a new one.
    still_shown = select(Event.id).where(Event.poster_filename == old_poster).limit(1)
    if "poster_filename" in changes and upload_dir is not None and db.session.scalar(still_shown) is None:
        delete_image(upload_dir / "posters", old_poster)
    return changes


# Edits that change when, where or how people attend; others (a description typo) stay quiet.
NOTICE_FIELDS = {
    "starts_at",
    "ends_at",
    "timezone",
    "mode",
    "venue_name",
    "venue_address",
    "online_url",
    "online_passcode",
}


def needs_notice(changes: dict) -> bool:
    """Whether participants' calendars must be updated for these changes."""
    return bool(NOTICE_FIELDS & changes.keys())


def add_session(actor: User, event: Event, data: SessionData, now: datetime) -> EventSession:
    """Add a dated session (a further day of a bimtek, say); participants' invites follow."""
    require_manager(actor, event.organization_id)
    starts, ends = _session_times(data, event.timezone)
    session = EventSession(event=event, title=data.title.strip(), starts_at=starts, ends_at=ends)
    db.session.add(session)
    db.session.flush()
    record_for_event(actor, event, "session", session.id, "created", {"starts_at": starts, "ends_at": ends})
    session_added.send(event, session=session, now=now)
    commit()
    return session


def update_session(actor: User, session: EventSession, data: SessionData, now: datetime) -> dict:
    """Move or rename a session; returns what changed. A new time reaches participants'
    calendars in the same commit."""
    event = session.event
    require_manager(actor, event.organization_id)
    starts, ends = _session_times(data, event.timezone)
    changes = diff(session, {"title": data.title.strip(), "starts_at": starts, "ends_at": ends})
    if changes:
        session.title, session.starts_at, session.ends_at = data.title.strip(), starts, ends
        if needs_notice(changes):
            session.sequence += 1
        record_for_event(actor, event, "session", session.id, "updated", changes)
        session_changed.send(event, session=session, changes=changes, now=now)
        commit()
    return changes


def remove_session(actor: User, session: EventSession, now: datetime) -> None:
    """Delete a session (an event always keeps at least one); participants' calendars drop it."""
    event = session.event
    require_manager(actor, event.organization_id)
    if len(event.sessions) <= 1:
        raise ValidationFailed(_("Acara harus memiliki sedikitnya satu sesi."), "last_session")
    record_for_event(actor, event, "session", session.id, "deleted", {"starts_at": session.starts_at})
    event.sessions.remove(session)  # delete-orphan removes the row
    session_removed.send(event, session=session, now=now)
    commit()


@dataclass
class PersonData:
    role: str
    name: str
    title: str = ""
    institution: str = ""
    topic: str = ""
    email: str = ""

    def checked(self) -> dict:
        """The values to store, trimmed; a role or a name that cannot be stored is refused."""
        if self.role not in set(PersonRole):
            raise ValidationFailed(_("Peran tidak dikenal."), "role_unknown")
        if not self.name.strip():
            raise ValidationFailed(_("Nama wajib diisi."), "name_required")
        return {k: v.strip() for k, v in vars(self).items()}


def add_person(actor: User, event: Event, data: PersonData) -> EventPerson:
    """Put a narasumber, moderator or panitia member on the programme."""
    require_manager(actor, event.organization_id)
    person = EventPerson(event=event, **data.checked())
    db.session.add(person)
    db.session.flush()
    record_for_event(actor, event, "person", person.id, "created", {"role": person.role, "name": person.name})
    db.session.commit()
    return person


def update_person(actor: User, person: EventPerson, data: PersonData) -> None:
    """Correct someone on the programme (a title, an institution, the topic, an e-mail)."""
    event = person.event
    require_manager(actor, event.organization_id)
    values = data.checked()
    changes = diff(person, values)
    for key, value in values.items():
        setattr(person, key, value)
    # "who" names the person in the history's sentence; it has no label, so no detail line.
    record_for_event(actor, event, "person", person.id, "updated", {**changes, "who": person.name})
    db.session.commit()


def remove_person(actor: User, person: EventPerson) -> None:
    """Take someone off the programme."""
    event = person.event
    require_manager(actor, event.organization_id)
    record_for_event(actor, event, "person", person.id, "deleted", {"name": person.name})
    db.session.delete(person)
    db.session.commit()


def publish_event(actor: User, event: Event) -> None:
    """Make a draft event public."""
    require_manager(actor, event.organization_id)
    if not event.can_publish:
        raise ValidationFailed(_("Hanya acara berstatus draf yang dapat diterbitkan."), "not_draft")
    event.status = EventStatus.PUBLISHED
    record_for_event(actor, event, "event", event.id, "published")
    db.session.commit()


def finish_event(actor: User, event: Event) -> None:
    """Mark a held event as finished; registration closes."""
    require_manager(actor, event.organization_id)
    if not event.can_finish:
        raise ValidationFailed(_("Hanya acara yang terbit yang dapat ditandai selesai."), "not_published")
    event.status = EventStatus.FINISHED
    record_for_event(actor, event, "event", event.id, "finished")
    db.session.commit()


def cancel_event(actor: User, event: Event, reason: str, now: datetime) -> int:
    """Cancel an event with a reason, which everyone registered or waiting receives (through
    event_cancelled). Returns how many people were told."""
    require_manager(actor, event.organization_id)
    if not reason.strip():
        raise ValidationFailed(_("Tuliskan alasan pembatalan; peserta akan membacanya."), "reason_required")
    if not event.can_cancel:
        raise ValidationFailed(_("Acara ini sudah selesai atau dibatalkan."), "event_over")
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason.strip()
    for session in event.sessions:
        session.sequence += 1
    record_for_event(actor, event, "event", event.id, "cancelled", {"reason": event.cancel_reason})
    told = sum(result or 0 for _receiver, result in event_cancelled.send(event, now=now))
    commit()
    return told


def duplicate_event(actor: User, event: Event, first_day: date) -> Event:
    """Copy an event as a new draft starting on `first_day`: sessions keep their hours and
    spacing, the programme and settings come along, registrations do not."""
    require_manager(actor, event.organization_id)
    if not event.sessions:
        raise ValidationFailed(_("Acara ini tidak memiliki sesi."), "session_required")
    first_local = event.sessions[0].starts_at.astimezone(ZoneInfo(event.timezone)).date()
    shift = timedelta(days=(first_day - first_local).days)
    copy_fields = vars(EventData.from_event(event))
    for key in ("registration_opens_at", "registration_closes_at"):
        if copy_fields[key] is not None:
            copy_fields[key] = copy_fields[key] + shift
    copy = Event(
        organization_id=event.organization_id,
        slug=_unique_slug(event.title),
        status=EventStatus.DRAFT,
        poster_filename=event.poster_filename,
        **copy_fields,
    )
    copy.sessions = [
        EventSession(title=s.title, starts_at=s.starts_at + shift, ends_at=s.ends_at + shift)
        for s in event.sessions
    ]
    copy.people = [
        EventPerson(
            role=p.role, name=p.name, title=p.title, institution=p.institution, topic=p.topic, email=p.email
        )
        for p in event.people
    ]
    db.session.add(copy)
    db.session.flush()
    record(
        actor, event.organization_id, "event", copy.id, "duplicated", {"from": event.slug}, event_id=copy.id
    )
    db.session.commit()
    return copy


# --- Listing ---------------------------------------------------------------------------------


@dataclass
class PublicFilters:
    q: str = ""
    kind: str = ""
    mode: str = ""
    region_id: int | None = None
    organization_id: int | None = None
    past: bool = False


def _first_start():
    """An event's first session start, to order lists by."""
    return (
        select(EventSession.starts_at)
        .where(EventSession.event_id == Event.id)
        .order_by(EventSession.starts_at)
        .limit(1)
        .scalar_subquery()
    )


def _not_over(now: datetime):
    """An event with a session that has not ended yet."""
    ongoing = select(EventSession.id).where(EventSession.event_id == Event.id, EventSession.ends_at >= now)
    return exists(ongoing)


def public_events(filters: PublicFilters, now: datetime) -> Select:
    """Published (and, among past ones, finished or cancelled) events for the public list:
    upcoming ones soonest first, past ones latest first."""
    first_start, upcoming = _first_start(), _not_over(now)
    stmt = select(Event).options(
        selectinload(Event.sessions), selectinload(Event.organization), selectinload(Event.region)
    )
    if filters.past:
        stmt = stmt.where(Event.status.in_([EventStatus.PUBLISHED, EventStatus.FINISHED]), ~upcoming)
        stmt = stmt.order_by(first_start.desc())
    else:
        # Cancelled events stay listed until their date, marked, so people who saw them learn why.
        stmt = stmt.where(Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]), upcoming)
        stmt = stmt.order_by(first_start)
    if filters.q.strip():
        stmt = stmt.where(Event.title.ilike(f"%{filters.q.strip()}%"))
    if filters.kind in set(EventKind):
        stmt = stmt.where(Event.kind == filters.kind)
    if filters.mode in set(EventMode):
        stmt = stmt.where(
            Event.mode.in_([filters.mode, EventMode.HIBRIDA])
            if filters.mode != EventMode.HIBRIDA
            else Event.mode == EventMode.HIBRIDA
        )
    if filters.region_id:
        stmt = stmt.where(Event.region_id == filters.region_id)
    if filters.organization_id:
        stmt = stmt.where(Event.organization_id == filters.organization_id)
    return stmt


@dataclass
class OrganizerFilters:
    q: str = ""
    status: str = ""
    kind: str = ""
    # "mendatang": not over yet (and drafts without a session), soonest first;
    # "lalu": over, latest first; anything else: all, latest date first.
    when: str = "mendatang"


def organizer_events(actor: User, filters: OrganizerFilters, now: datetime) -> Select:
    """The events an organizer manages, searched and filtered."""
    stmt = scoped(Event, actor).options(selectinload(Event.sessions))
    has_sessions = exists(select(EventSession.id).where(EventSession.event_id == Event.id))
    if filters.when == "mendatang":
        stmt = stmt.where(or_(_not_over(now), ~has_sessions)).order_by(_first_start(), Event.id.desc())
    elif filters.when == "lalu":
        stmt = stmt.where(has_sessions, ~_not_over(now)).order_by(_first_start().desc())
    else:
        stmt = stmt.order_by(_first_start().desc().nulls_first(), Event.id.desc())
    if filters.q.strip():
        stmt = stmt.where(Event.title.ilike(f"%{filters.q.strip()}%"))
    if filters.status in set(EventStatus):
        stmt = stmt.where(Event.status == filters.status)
    if filters.kind in set(EventKind):
        stmt = stmt.where(Event.kind == filters.kind)
    return stmt


def closed_reason(event: Event, now: datetime, invited: bool = False) -> str | None:
    """Why people cannot register right now, in words for them; None when they can. Holders of
    a personal invitation (`invited`) may register for an invitation-only event."""
    if event.status == EventStatus.CANCELLED:
        return _("Acara ini dibatalkan.")
    if event.status == EventStatus.DRAFT:
        return _("Acara ini belum diterbitkan.")
    if event.status == EventStatus.FINISHED or (event.ends_at and event.ends_at < now):
        return _("Acara ini sudah selesai.")
    if event.invitation_only and not invited:
        return _("Acara ini khusus undangan. Gunakan tautan undangan pribadi Anda.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Pendaftaran belum dibuka.")
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _("Pendaftaran sudah ditutup.")
    return None


def find_published(slug: str) -> Event | None:
    """An event by its public address; drafts are not found."""
    return db.session.scalar(
        select(Event)
        .where(Event.slug == slug, Event.status != EventStatus.DRAFT)
        .options(selectinload(Event.sessions), joinedload(Event.organization))
    )


# --- How the history tells these changes ---------------------------------------------------------

sentence_for("event", "created")(lambda c: _("Acara dibuat: %(title)s", title=c.get("title", "")))
sentence_for("event", "updated")(lambda c: _("Data acara diubah"))
sentence_for("event", "published")(lambda c: _("Acara diterbitkan"))
sentence_for("event", "finished")(lambda c: _("Acara ditandai selesai"))
sentence_for("event", "cancelled")(lambda c: _("Acara dibatalkan"))
sentence_for("session", "created")(lambda c: _("Sesi ditambahkan"))
sentence_for("session", "updated")(lambda c: _("Sesi diubah"))
sentence_for("session", "deleted")(lambda c: _("Sesi dihapus"))
sentence_for("person", "created")(
    lambda c: _(
        "%(name)s ditambahkan sebagai %(role)s",
        name=c.get("name", ""),
        role=ROLE_LABELS.get(c.get("role"), ""),
    )
)
sentence_for("person", "updated")(lambda c: _("Data %(name)s di susunan acara diubah", name=c.get("who", "")))
sentence_for("person", "deleted")(lambda c: _("%(name)s dihapus dari susunan acara", name=c.get("name", "")))
FIELD_LABELS.update(
    {
        "title": lambda: _("Judul"),
        "kind": lambda: _("Jenis"),
        "mode": lambda: _("Moda"),
        "audience": lambda: _("Sasaran"),
        "region_id": lambda: _("Kabupaten/kota"),
        "timezone": lambda: _("Zona waktu"),
        "description": lambda: _("Deskripsi"),
        "venue_name": lambda: _("Tempat"),
        "venue_address": lambda: _("Alamat"),
        "map_url": lambda: _("Tautan peta"),
        "online_url": lambda: _("Tautan daring"),
        "online_passcode": lambda: _("Kode sandi rapat"),
        "venue_capacity": lambda: _("Kapasitas luring"),
        "online_capacity": lambda: _("Kapasitas daring"),
        "registration_opens_at": lambda: _("Pendaftaran dibuka"),
        "registration_closes_at": lambda: _("Pendaftaran ditutup"),
        "contact_name": lambda: _("Narahubung"),
        "contact_phone": lambda: _("Nomor narahubung"),
        "poster_filename": lambda: _("Poster"),
        "attendance_min_sessions": lambda: _("Minimal sesi"),
        "attendance_min_percent": lambda: _("Minimal persen waktu"),
        "reminders_enabled": lambda: _("Pengingat"),
        "verify_contact": lambda: _("Verifikasi nomor pendaftar"),
        "starts_at": lambda: _("Mulai"),
        "ends_at": lambda: _("Selesai"),
        "person.role": lambda: _("Peran"),
        "person.name": lambda: _("Nama"),
        "person.title": lambda: _("Jabatan"),
        "person.institution": lambda: _("Instansi"),
        "person.topic": lambda: _("Materi"),
        "person.email": lambda: _("E-mail"),
    }
)
