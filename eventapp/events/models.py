"""Events, their dated sessions and the people on their programme."""

import enum
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, case, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp import labels
from eventapp.dbtypes import EnumText, UTCDateTime, utcnow
from eventapp.extensions import Model
from eventapp.i18n import utc_to_local

if TYPE_CHECKING:
    from eventapp.accounts.models import Organization
    from eventapp.regions.models import Region


class EventKind(enum.StrEnum):
    SOSIALISASI = "sosialisasi"
    WEBINAR = "webinar"
    RAKOR = "rakor"
    PEMBINAAN = "pembinaan"
    BIMTEK = "bimtek"
    PELATIHAN = "pelatihan"
    LAINNYA = "lainnya"


class EventMode(enum.StrEnum):
    LURING = "luring"  # in person
    DARING = "daring"  # online
    HIBRIDA = "hibrida"  # both


class Audience(enum.StrEnum):
    UMUM = "umum"  # anyone
    KIM = "kim"  # KIM members (others may still register with their institution)
    UNDANGAN = "undangan"  # invitation only


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class AttendanceRule(enum.StrEnum):
    SESSIONS = "sesi"  # at least N sessions attended
    PERCENT = "persen"  # at least X % of the scheduled minutes


class PersonRole(enum.StrEnum):
    NARASUMBER = "narasumber"
    MODERATOR = "moderator"
    PANITIA = "panitia"


PROGRAMME_ORDER = {PersonRole.NARASUMBER: 0, PersonRole.MODERATOR: 1, PersonRole.PANITIA: 2}

TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")

KIND_LABELS = {
    EventKind.SOSIALISASI: _l("Sosialisasi"),
    EventKind.WEBINAR: _l("Webinar"),
    EventKind.RAKOR: _l("Rapat koordinasi"),
    EventKind.PEMBINAAN: _l("Pembinaan"),
    EventKind.BIMTEK: _l("Bimbingan teknis"),
    EventKind.PELATIHAN: _l("Pelatihan"),
    EventKind.LAINNYA: _l("Lainnya"),
}
MODE_LABELS = {
    EventMode.LURING: _l("Luring"),
    EventMode.DARING: _l("Daring"),
    EventMode.HIBRIDA: _l("Hibrida"),
}
AUDIENCE_LABELS = {
    Audience.UMUM: _l("Umum"),
    Audience.KIM: _l("Anggota KIM"),
    Audience.UNDANGAN: _l("Khusus undangan"),
}
STATUS_LABELS = {
    EventStatus.DRAFT: _l("Draf"),
    EventStatus.PUBLISHED: _l("Terbit"),
    EventStatus.FINISHED: _l("Selesai"),
    EventStatus.CANCELLED: _l("Dibatalkan"),
}
ROLE_LABELS = {
    PersonRole.NARASUMBER: _l("Narasumber"),
    PersonRole.MODERATOR: _l("Moderator"),
    PersonRole.PANITIA: _l("Panitia"),
}


class Event(Model):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('sosialisasi', 'webinar', 'rakor', 'pembinaan', 'bimtek', 'pelatihan', 'lainnya')",
            name="kind_known",
        ),
        CheckConstraint("mode IN ('luring', 'daring', 'hibrida')", name="mode_known"),
        CheckConstraint("audience IN ('umum', 'kim', 'undangan')", name="audience_known"),
        CheckConstraint("status IN ('draft', 'published', 'finished', 'cancelled')", name="status_known"),
        CheckConstraint("venue_capacity IS NULL OR venue_capacity >= 0", name="venue_capacity_positive"),
        CheckConstraint("online_capacity IS NULL OR online_capacity >= 0", name="online_capacity_positive"),
        CheckConstraint("attendance_rule IN ('sesi', 'persen')", name="attendance_rule_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    # Public address part: /acara/<slug>; unique, chosen once and kept.
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    audience: Mapped[str] = mapped_column(String(10), default=Audience.UMUM)
    status: Mapped[EventStatus] = mapped_column(
        EnumText(EventStatus, 10), default=EventStatus.DRAFT, index=True
    )
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    # Markdown written by organizers; rendered through a sanitizer.
    description: Mapped[str] = mapped_column(Text, default="")
    poster_filename: Mapped[str | None] = mapped_column(String(100))
    # The kabupaten/kota the event is held in or serves, for the public filters.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"), index=True)
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    venue_address: Mapped[str] = mapped_column(Text, default="")
    map_url: Mapped[str] = mapped_column(String(500), default="")
    # Shown only to confirmed participants.
    online_url: Mapped[str] = mapped_column(String(500), default="")
    online_passcode: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Seats per mode; None means no limit.
    venue_capacity: Mapped[int | None]
    online_capacity: Mapped[int | None]
    # Attendance rule, used for certificates: at least N sessions ("sesi") or X % of the
    # scheduled minutes ("persen").
    attendance_rule: Mapped[AttendanceRule] = mapped_column(
        EnumText(AttendanceRule, 6), default=AttendanceRule.SESSIONS, server_default="sesi"
    )
    attendance_min_sessions: Mapped[int] = mapped_column(default=1, server_default="1")
    attendance_min_percent: Mapped[int] = mapped_column(default=75, server_default="75")
    # Reminder e-mails the day before and an hour before each session.
    reminders_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # A registration counts only once its phone (or e-mail) is proven with a one-time code.
    verify_contact: Mapped[bool] = mapped_column(default=False, server_default=false())
    contact_name: Mapped[str] = mapped_column(String(150), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    # Kept by registration.counts, never set by hand: the last queue number handed out and,
    # per mode, the registrations confirmed and waiting.
    queue_last: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_luring: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_daring: Mapped[int] = mapped_column(default=0, server_default="0")
    waiting_luring: Mapped[int] = mapped_column(default=0, server_default="0")
    waiting_daring: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped["Organization"] = relationship()
    region: Mapped["Region | None"] = relationship()
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSession.starts_at"
    )
    # Speakers first, then the moderator, then the committee, as a programme is read.
    people: Mapped[list["EventPerson"]] = relationship(
        back_populates="event",
        cascade="all, delete-orphan",
        order_by=lambda: (
            case(PROGRAMME_ORDER, value=EventPerson.role, else_=len(PROGRAMME_ORDER)),
            EventPerson.id,
        ),
    )

    # The status transitions, for the services that make them and the pages that offer them.
    @property
    def can_publish(self) -> bool:
        return self.status == EventStatus.DRAFT

    @property
    def can_finish(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def can_cancel(self) -> bool:
        return self.status in (EventStatus.DRAFT, EventStatus.PUBLISHED)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def has_hall(self) -> bool:
        """People can attend in person (luring or hibrida)."""
        return self.mode in (EventMode.LURING, EventMode.HIBRIDA)

    @property
    def has_online(self) -> bool:
        """People can attend online (daring or hibrida)."""
        return self.mode in (EventMode.DARING, EventMode.HIBRIDA)

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_public(self) -> bool:
        """It has a public page (drafts do not)."""
        return self.status != EventStatus.DRAFT

    @property
    def invitation_only(self) -> bool:
        """Only holders of a personal invitation may register; nothing public points to it."""
        return self.audience == Audience.UNDANGAN

    @property
    def starts_at(self) -> datetime | None:
        return self.sessions[0].starts_at if self.sessions else None

    @property
    def ends_at(self) -> datetime | None:
        return max(s.ends_at for s in self.sessions) if self.sessions else None

    @property
    def local_days(self) -> tuple[date, date] | tuple[None, None]:
        """The first and last day the event runs, in its own zone."""
        if not self.sessions:
            return None, None
        days = [utc_to_local(s.starts_at, self.timezone).date() for s in self.sessions]
        # A session ending at midnight belongs to the day it started.
        days += [utc_to_local(s.ends_at - timedelta(seconds=1), self.timezone).date() for s in self.sessions]
        return min(days), max(days)

    @property
    def modes(self) -> list[str]:
        """The attendance modes a participant can choose."""
        return [EventMode.LURING, EventMode.DARING] if self.mode == EventMode.HIBRIDA else [self.mode]

    def capacity_for(self, mode: str) -> int | None:
        return self.venue_capacity if mode == EventMode.LURING else self.online_capacity

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventSession(Model):
    __tablename__ = "event_sessions"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # iCalendar SEQUENCE: raised whenever the time, place or link changes, so calendar apps
    # replace the entry they hold instead of keeping the old one.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship(back_populates="sessions")


class EventPerson(Model):
    __tablename__ = "event_people"
    __table_args__ = (CheckConstraint("role IN ('narasumber', 'moderator', 'panitia')", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(150))
    # Jabatan, e.g. "Kepala Bidang IKP".
    title: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    # Topic of a speaker's talk.
    topic: Mapped[str] = mapped_column(String(300), default="")
    # Where the speaker's certificate is mailed.
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")

    event: Mapped[Event] = relationship(back_populates="people")


labels.register(
    event_kind=KIND_LABELS,
    event_mode=MODE_LABELS,
    audience=AUDIENCE_LABELS,
    event_status=STATUS_LABELS,
    person_role=ROLE_LABELS,
)
