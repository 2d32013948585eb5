"""Certificate settings per event, the certificates issued, and bulk downloads being built."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp import labels
from eventapp.dbtypes import EnumText, UTCDateTime, utcnow
from eventapp.extensions import Model

if TYPE_CHECKING:
    from eventapp.events.models import Event, EventPerson
    from eventapp.registration.models import Registration


class HolderRole(enum.StrEnum):
    PESERTA = "peserta"
    NARASUMBER = "narasumber"
    MODERATOR = "moderator"
    PANITIA = "panitia"


ROLE_LABELS = {
    HolderRole.PESERTA: _lp("peran", "Peserta"),
    HolderRole.NARASUMBER: _lp("peran", "Narasumber"),
    HolderRole.MODERATOR: _lp("peran", "Moderator"),
    HolderRole.PANITIA: _lp("peran", "Panitia"),
}
# What a certificate says for each role until the organizer writes otherwise.
DEFAULT_WORDING = {
    HolderRole.PESERTA: {"title": "SERTIFIKAT", "wording": "atas partisipasinya sebagai Peserta dalam"},
    HolderRole.NARASUMBER: {"title": "SERTIFIKAT", "wording": "atas kontribusinya sebagai Narasumber dalam"},
    HolderRole.MODERATOR: {"title": "SERTIFIKAT", "wording": "atas kontribusinya sebagai Moderator dalam"},
    HolderRole.PANITIA: {"title": "SERTIFIKAT", "wording": "atas pengabdiannya sebagai Panitia dalam"},
}
# The folder of uploads that holds certificate background images.
BACKGROUNDS = "certificate_backgrounds"
DESIGNS = {"klasik": _l("Klasik (bingkai)"), "modern": _l("Modern (pita samping)")}


class CertificateSettings(Model):
    __tablename__ = "certificate_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    design: Mapped[str] = mapped_column(String(10), default="klasik")
    # e.g. "{seq:03d}/SERT/{kode}/DISKOMINFO/{bulan_romawi}/{tahun}"
    number_pattern: Mapped[str] = mapped_column(String(200))
    # The {kode} token: a short code for the event, e.g. "KIM-KTB".
    event_code: Mapped[str] = mapped_column(String(30), default="")
    # {role: {"title": ..., "wording": ...}} for peserta, narasumber, moderator, panitia.
    wording: Mapped[dict] = mapped_column(JSON, default=dict)
    # [{"name", "title", "nip", "signature"}], one to three; "signature" is a file in uploads/signatures.
    signatories: Mapped[list] = mapped_column(JSON, default=list)
    # An optional full-page image behind the text (a file in uploads/certificate_backgrounds);
    # it replaces the design's frame.
    background_filename: Mapped[str | None] = mapped_column(String(100))
    # The next serial number; taken and raised under a row lock, so numbers never repeat or skip.
    next_seq: Mapped[int] = mapped_column(default=1)

    event: Mapped["Event"] = relationship()


class Certificate(Model):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("event_id", "registration_id", name="uq_certificates_event_id_registration_id"),
        UniqueConstraint("event_id", "person_id", name="uq_certificates_event_id_person_id"),
        UniqueConstraint("event_id", "seq", name="uq_certificates_event_id_seq"),
        CheckConstraint("role IN ('peserta', 'narasumber', 'moderator', 'panitia')", name="role_known"),
        CheckConstraint("(registration_id IS NULL) <> (person_id IS NULL)", name="one_holder"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))
    # A participant's certificate points at the registration; a speaker's at the programme entry.
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("event_people.id", ondelete="CASCADE"))
    holder_name: Mapped[str] = mapped_column(String(150))
    seq: Mapped[int]
    number: Mapped[str] = mapped_column(String(200), unique=True)
    # Public verification code printed under the QR: /verifikasi/<code>.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the certificate's mail was queued (or found to have no address to go to); the
    # sweep mails every certificate still without it, so a lost job loses no mail.
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    event: Mapped["Event"] = relationship()
    registration: Mapped["Registration | None"] = relationship()
    person: Mapped["EventPerson | None"] = relationship()

    @property
    def holder_email(self) -> str:
        """Where the certificate is mailed: the registration's or the programme entry's address."""
        holder = self.registration or self.person
        return (holder.email or "") if holder is not None else ""


class BulkStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class BulkJob(Model):
    """A 'download all' being built in the background, with its progress."""

    __tablename__ = "certificate_bulk_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('zip', 'pdf')", name="kind_known"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    status: Mapped[BulkStatus] = mapped_column(EnumText(BulkStatus, 8), default=BulkStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    # File name inside instance/exports, chosen when the build starts; served once done.
    filename: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Last sign of life: set when queued and at every chunk built; a stale one means the
    # worker died or the job was never picked up.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event"] = relationship()

    @property
    def in_progress(self) -> bool:
        return self.status in (BulkStatus.QUEUED, BulkStatus.RUNNING)

    @property
    def ready(self) -> bool:
        """Its file is built and can be downloaded."""
        return self.status == BulkStatus.DONE

    @property
    def failed(self) -> bool:
        return self.status == BulkStatus.FAILED


labels.register(holder_role=ROLE_LABELS, certificate_design=DESIGNS)
