"""Attendance per participant and session, and the attendance-code windows of online sessions."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp import labels
from eventapp.dbtypes import UTCDateTime, utcnow
from eventapp.extensions import Model

if TYPE_CHECKING:
    from eventapp.events.models import EventSession
    from eventapp.registration.models import Registration


class AttendanceStatus(enum.StrEnum):
    HADIR = "hadir"  # present
    IZIN = "izin"  # excused (rakor)
    TIDAK_HADIR = "tidak_hadir"  # marked absent (rakor)


class AttendanceMethod(enum.StrEnum):
    SCAN = "scan"  # code or QR at the door
    SEARCH = "search"  # found by name at the door
    WALK_IN = "walkin"  # registered at the door
    CODE = "code"  # kode presensi entered online
    ZOOM = "zoom"  # meeting report import
    MARK = "mark"  # marked by an organizer (rakor)


STATUS_LABELS = {
    AttendanceStatus.HADIR: _l("Hadir"),
    AttendanceStatus.IZIN: _l("Izin"),
    AttendanceStatus.TIDAK_HADIR: _l("Tidak hadir"),
}


class Attendance(Model):
    __tablename__ = "attendances"
    __table_args__ = (
        # One record per person and session: a second scan finds the first.
        UniqueConstraint("registration_id", "session_id", name="uq_attendances_registration_id_session_id"),
        CheckConstraint("status IN ('hadir', 'izin', 'tidak_hadir')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=AttendanceStatus.HADIR)
    method: Mapped[str] = mapped_column(String(10))
    # Minutes attended, from a meeting report; None means the whole session.
    minutes: Mapped[int | None]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped["Registration"] = relationship()
    session: Mapped["EventSession"] = relationship()


class CodeWindow(Model):
    """The time in which online participants may enter a session's kode presensi."""

    __tablename__ = "code_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(String(8), index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session: Mapped["EventSession"] = relationship()


labels.register(attendance_status=STATUS_LABELS)
