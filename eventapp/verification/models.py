from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventapp.dbtypes import UTCDateTime, utcnow
from eventapp.extensions import Model


class ContactCode(Model):
    """One code sent to one contact. Only its keyed hash is kept; only the newest code of a
    contact counts, and only until `expires_at`, once."""

    __tablename__ = "contact_codes"
    __table_args__ = (
        Index("ix_contact_codes_contact_created", "contact", "created_at"),
        # At most one code per contact and minute, whatever requests arrive together.
        UniqueConstraint("contact", "sent_minute", name="uq_contact_codes_contact_sent_minute"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A phone in E.164 or an e-mail address in lower case.
    contact: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str] = mapped_column(String(64))
    # What the code proves the contact for (proofs.CERTIFICATES …): a code sent to register
    # does not open the certificates.
    purpose: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # created_at to the minute, for the constraint above.
    sent_minute: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Wrong codes typed against this one.
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
