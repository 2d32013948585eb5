"""Reminders already sent, so that each goes out once per participant and session."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventapp.dbtypes import UTCDateTime, utcnow
from eventapp.extensions import Model


class ReminderKind(enum.StrEnum):
    DAY_BEFORE = "h-1"
    HOUR_BEFORE = "1j"


class ReminderDelivery(Model):
    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        # The once-only rule: a second task run or a second worker cannot insert it again.
        UniqueConstraint("registration_id", "session_id", "kind", name="uq_reminder_deliveries_once"),
        CheckConstraint("kind IN ('h-1', '1j')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
