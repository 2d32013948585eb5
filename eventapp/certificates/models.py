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
    JOINING = "joining"
    DONE = "done"
    FAILED = "failed"


class BulkFailure(enum.StrEnum):
    """Why a bulk job failed; the job keeps the code and the page says it in the reader's
    language."""

    STALLED = "stalled"
    BROKEN = "broken"
    CRASHING_PART = "crashing_part"
    ALL_REVOKED = "all_revoked"


FAILURES = {
    BulkFailure.STALLED: _l("Proses berhenti di tengah jalan (pekerja latar berhenti atau antrean hilang)."),
    BulkFailure.BROKEN: _l(
        "Terjadi kesalahan saat membuat berkas; rinciannya tercatat di log pekerja latar."
    ),
    BulkFailure.CRASHING_PART: _l("Satu bagian berkas menghentikan pekerja latar berulang kali."),
    BulkFailure.ALL_REVOKED: _l("Tidak ada lagi sertifikat yang berlaku: semuanya dicabut."),
}


class BulkJob(Model):
    """A 'download all' being built in the background. Its certificates are split into parts
    that any job worker builds, in parallel when there are several; the parts are then joined
    into the one file the organizer downloads."""

    __tablename__ = "certificate_bulk_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('zip', 'pdf')", name="kind_known"),
        CheckConstraint("status IN ('queued', 'running', 'joining', 'done', 'failed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(4))
    status: Mapped[BulkStatus] = mapped_column(EnumText(BulkStatus, 8), default=BulkStatus.QUEUED)
    # File name inside instance/exports, chosen when the job is asked for; served once done.
    # Its parts are built beside it, under this name with a suffix.
    filename: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str] = mapped_column(Text, default="")  # a BulkFailure
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Last sign of life of the job as a whole: set when queued, when a part is taken or
    # finished, and while the parts are joined; the sweep gives up on a job silent too long.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event"] = relationship()
    parts: Mapped[list["BulkPart"]] = relationship(
        back_populates="job", order_by="BulkPart.position", cascade="all, delete-orphan"
    )

    @property
    def total(self) -> int:
        return sum(part.total for part in self.parts)

    @property
    def done(self) -> int:
        """Certificates built so far, counted by the parts (a part built again counts once)."""
        return sum(part.done for part in self.parts)

    @property
    def in_progress(self) -> bool:
        return self.status in (BulkStatus.QUEUED, BulkStatus.RUNNING, BulkStatus.JOINING)

    @property
    def joining(self) -> bool:
        return self.status == BulkStatus.JOINING

    @property
    def ready(self) -> bool:
        """Its file is built and can be downloaded."""
        return self.status == BulkStatus.DONE

    @property
    def failed(self) -> bool:
        return self.status == BulkStatus.FAILED


class PartStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"


class BulkPart(Model):
    """A run of a bulk job's certificates (by serial number) that one worker builds into a file
    of its own. A worker that dies costs only its part: the sweep queues the part again."""

    __tablename__ = "certificate_bulk_parts"
    __table_args__ = (
        UniqueConstraint("job_id", "position", name="uq_certificate_bulk_parts_job_id_position"),
        CheckConstraint("status IN ('queued', 'running', 'done')", name="status_known"),
        CheckConstraint("first_seq <= last_seq", name="seq_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("certificate_bulk_jobs.id", ondelete="CASCADE"))
    position: Mapped[int]  # the part's place in the joined file
    first_seq: Mapped[int]
    last_seq: Mapped[int]
    status: Mapped[PartStatus] = mapped_column(EnumText(PartStatus, 8), default=PartStatus.QUEUED)
    # Valid certificates in the range: counted when the job is asked for, again when built.
    total: Mapped[int]
    done: Mapped[int] = mapped_column(default=0)
    # How many times a worker took the part; the current one's number names its file, so a
    # worker the sweep gave up on cannot overwrite or finish the part another worker took.
    attempts: Mapped[int] = mapped_column(default=0)
    # Set when queued, taken and at every chunk built; a silent running part lost its worker.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)

    job: Mapped[BulkJob] = relationship(back_populates="parts")

    @property
    def filename(self) -> str:
        return f"{self.job.filename}.{self.position:04d}-{self.attempts}"


labels.register(holder_role=ROLE_LABELS, certificate_design=DESIGNS, bulk_failure=FAILURES)
