"""The registry of community information groups (KIM) and their members."""

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _lp
from sqlalchemy import CheckConstraint, Date, ForeignKey, SmallInteger, String, Text, UniqueConstraint, case
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp import labels
from eventapp.dbtypes import UTCDateTime, utcnow
from eventapp.extensions import Model

if TYPE_CHECKING:
    from eventapp.accounts.models import Organization
    from eventapp.regions.models import Region

MIN_MEMBERS = 3
MAX_MEMBERS = 30
# Letters and digits that cannot be misread for one another when read out over the phone.
CHAIR_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_chair_code() -> str:
    """Eight characters (about 37 bits): with the rate limit on group registration, far out
    of reach of guessing."""
    return "".join(secrets.choice(CHAIR_CODE_ALPHABET) for _ in range(8))


class Position(enum.StrEnum):
    KETUA = "ketua"
    SEKRETARIS = "sekretaris"
    BENDAHARA = "bendahara"
    ANGGOTA = "anggota"


class Gender(enum.StrEnum):
    LAKI_LAKI = "L"
    PEREMPUAN = "P"


class Occupation(enum.StrEnum):
    PELAJAR = "pelajar_mahasiswa"
    PEDAGANG = "pedagang"
    PETANI = "petani"
    NELAYAN = "nelayan"
    PNS = "pns"
    WIRASWASTA = "wiraswasta"
    IRT = "ibu_rumah_tangga"
    LAINNYA = "lainnya"


class Kim(Model):
    __tablename__ = "kims"
    # Each office numbers its own KIM, so uniqueness (and what an error may reveal) stays within it.
    __table_args__ = (
        UniqueConstraint("organization_id", "registration_number", name="uq_kims_office_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The guiding office (pembina); scoping of organizer pages follows this column.
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(150), index=True)
    # Nomor induk KIM given at registration by the guiding office.
    registration_number: Mapped[str] = mapped_column(String(50))
    # The desa/kelurahan the KIM belongs to.
    village_id: Mapped[int] = mapped_column(ForeignKey("regions.id", ondelete="RESTRICT"), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    founded_on: Mapped[date | None] = mapped_column(Date)
    # Number of the decree (SK) that established the KIM.
    decree_number: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    # The secret the office gives the chair: with the KIM number and the chair's phone it lets
    # the chair register members at once (neither of those two is secret).
    chair_code: Mapped[str] = mapped_column(String(16), default=new_chair_code)
    website_url: Mapped[str] = mapped_column(String(300), default="")
    facebook_url: Mapped[str] = mapped_column(String(300), default="")
    instagram_url: Mapped[str] = mapped_column(String(300), default="")
    youtube_url: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped["Organization"] = relationship()
    village: Mapped["Region"] = relationship()

    @property
    def kabupaten(self) -> "Region | None":
        """The kabupaten/kota of the KIM's desa (desa → kecamatan → kabupaten)."""
        kecamatan = self.village.parent
        return kecamatan.parent if kecamatan is not None else None

    members: Mapped[list["KimMember"]] = relationship(
        back_populates="kim",
        cascade="all, delete-orphan",
        order_by=lambda: (position_order(KimMember.position), KimMember.name),
    )

    def __repr__(self) -> str:
        return f"<Kim {self.registration_number} {self.name}>"


def position_order(column):
    """SQL sort key that lists the ketua first, then sekretaris, bendahara and members."""
    return case({p.value: rank for rank, p in enumerate(Position)}, value=column, else_=len(Position))


class KimMember(Model):
    __tablename__ = "kim_members"
    __table_args__ = (
        CheckConstraint("gender IN ('L', 'P')", name="gender_known"),
        CheckConstraint("position IN ('ketua', 'sekretaris', 'bendahara', 'anggota')", name="position_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kim_id: Mapped[int] = mapped_column(ForeignKey("kims.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(150))
    position: Mapped[str] = mapped_column(String(20), default=Position.ANGGOTA)
    gender: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(SmallInteger)
    occupation: Mapped[str] = mapped_column(String(30), default=Occupation.LAINNYA)
    # WhatsApp number in E.164 (+62812...); one person, one number across the registry.
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    kim: Mapped[Kim] = relationship(back_populates="members")

    def __repr__(self) -> str:
        return f"<KimMember {self.name}>"


POSITION_LABELS: dict[str, LazyString] = {
    # Contexts tell translators these are one person's roles, not column headings.
    Position.KETUA: _lp("jabatan KIM", "Ketua"),
    Position.SEKRETARIS: _lp("jabatan KIM", "Sekretaris"),
    Position.BENDAHARA: _lp("jabatan KIM", "Bendahara"),
    Position.ANGGOTA: _lp("jabatan KIM", "Anggota"),
}
GENDER_LABELS = {Gender.LAKI_LAKI: _l("Laki-laki"), Gender.PEREMPUAN: _l("Perempuan")}
OCCUPATION_LABELS = {
    Occupation.PELAJAR: _l("Pelajar/Mahasiswa"),
    Occupation.PEDAGANG: _l("Pedagang"),
    Occupation.PETANI: _l("Petani"),
    Occupation.NELAYAN: _l("Nelayan"),
    Occupation.PNS: _l("PNS"),
    Occupation.WIRASWASTA: _l("Wiraswasta"),
    Occupation.IRT: _l("Ibu rumah tangga"),
    Occupation.LAINNYA: _l("Lainnya"),
}

labels.register(position=POSITION_LABELS, gender=GENDER_LABELS, occupation=OCCUPATION_LABELS)
