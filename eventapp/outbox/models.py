"""Messages waiting to leave: written with the change that caused them, sent by a job."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventapp.dbtypes import UTCDateTime, utcnow
from eventapp.extensions import Model


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # given up: last_error says why; an admin may send it again


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # An iCalendar part sent inline as text/calendar with this METHOD (REQUEST, CANCEL).
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    calendar_ics: Mapped[str | None] = mapped_column(Text)
    # One file sent along (a certificate PDF).
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # Why the last attempt failed, in words an organizer understands, then the technical detail.
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the sweep may try again (None: at once); grows with each failure.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # After this a temporary failure is final (set on creation and when an admin requeues).
    give_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status} to {self.recipient}>"
