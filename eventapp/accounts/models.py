"""Organizations (Diskominfo units) and the organizer accounts that belong to them."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from eventapp import labels
from eventapp.dbtypes import UTCDateTime, utcnow
from eventapp.extensions import Model

if TYPE_CHECKING:
    from eventapp.regions.models import Region


class OrganizationLevel(enum.StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN_KOTA = "kabupaten_kota"


class Role(enum.StrEnum):
    ADMIN = "admin"  # sees and manages everything
    ORGANIZER = "organizer"  # manages its own organization's data
    CHECKIN = "checkin"  # door staff: may only check people in


class Organization(Model):
    __tablename__ = "organizations"
    __table_args__ = (CheckConstraint("level IN ('provinsi', 'kabupaten_kota')", name="level_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    level: Mapped[str] = mapped_column(String(20))
    # The province or kabupaten/kota the office serves.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"))
    address: Mapped[str] = mapped_column(Text, default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    # File name inside UPLOAD_DIR/logos, set only by the upload service.
    logo_filename: Mapped[str | None] = mapped_column(String(100))
    # Kop surat: the lines printed under the logo, one per line.
    letterhead: Mapped[str] = mapped_column(Text, default="")
    # Where the office signs, printed before the date on certificates: "Sampit, 16 Desember 2026".
    city: Mapped[str] = mapped_column(String(100), default="", server_default="")
    signatory_name: Mapped[str] = mapped_column(String(150), default="")
    signatory_nip: Mapped[str] = mapped_column(String(30), default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    region: Mapped["Region | None"] = relationship()

    @property
    def letterhead_lines(self) -> list[str]:
        return [line.strip() for line in self.letterhead.splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"


class User(UserMixin, Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'organizer', 'checkin')", name="role_known"),
        CheckConstraint("role = 'admin' OR organization_id IS NOT NULL", name="staff_have_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.ORGANIZER)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember cookie; raising it signs the account out everywhere.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    organization: Mapped[Organization | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the account and its
        session version, so that old cookies stop working once the version moves on."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Sign this account out on every device (the caller commits)."""
        self.session_version = (self.session_version or 1) + 1

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard algorithm.
        self.password_hash = generate_password_hash(password)
        if self.id is not None:
            self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


ROLE_LABELS: dict[str, LazyString] = {
    Role.ADMIN: _l("Admin (semua organisasi)"),
    Role.ORGANIZER: _l("Penyelenggara"),
    Role.CHECKIN: _l("Petugas presensi"),
}
LEVEL_LABELS: dict[str, LazyString] = {
    OrganizationLevel.PROVINSI: _l("Provinsi"),
    OrganizationLevel.KABUPATEN_KOTA: _l("Kabupaten/Kota"),
}
labels.register(user_role=ROLE_LABELS, office_level=LEVEL_LABELS)
