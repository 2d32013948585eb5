"""An organizer's message to the registrants they picked ("Kirim pesan ke peserta")."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.dbtypes import UTCDateTime, utcnow
from eventapp.extensions import Model

if TYPE_CHECKING:
    from eventapp.accounts.models import User


class Broadcast(Model):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # The recipients as they were picked, in words, for the history ("Terdaftar · Daring · …").
    audience: Mapped[str] = mapped_column(String(500), default="")
    # How many people it was written to (each on their own channels).
    recipients: Mapped[int] = mapped_column(default=0)
    # From the preview that was sent: the same preview sent twice is written once.
    send_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by: Mapped["User | None"] = relationship()
