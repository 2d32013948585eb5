"""Administrative regions: provinsi → kabupaten/kota → kecamatan → desa/kelurahan."""

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.extensions import Model


class RegionLevel(enum.StrEnum):
    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"  # kabupaten or kota
    KECAMATAN = "kecamatan"
    DESA = "desa"  # desa or kelurahan

    @property
    def child(self) -> "RegionLevel | None":
        order = list(RegionLevel)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class Region(Model):
    __tablename__ = "regions"
    __table_args__ = (
        UniqueConstraint("level", "source_id", name="uq_regions_level_source_id"),
        CheckConstraint("level IN ('provinsi', 'kabupaten', 'kecamatan', 'desa')", name="level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="CASCADE"), index=True)
    # Identifier in the imported data set, so that a second import adds nothing twice.
    source_id: Mapped[int]
    # ISO 3166-2 code for a province (ID-KT), BSNI code for a kabupaten/kota (SPT).
    code: Mapped[str | None] = mapped_column(String(10))
    postal_code: Mapped[str | None] = mapped_column(String(5))

    parent: Mapped["Region | None"] = relationship(remote_side=[id])

    @property
    def display_name(self) -> str:
        if self.level == RegionLevel.PROVINSI:
            return f"Provinsi {self.name}"
        if self.level == RegionLevel.KECAMATAN:
            return f"Kecamatan {self.name}"
        return self.name

    def __repr__(self) -> str:
        return f"<Region {self.level} {self.name}>"
