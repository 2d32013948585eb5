"""Region data: importing the official names and walking the hierarchy."""

import json
from importlib import resources
from importlib.resources.abc import Traversable

from sqlalchemy import insert, select

from eventapp.errors import NotFound
from eventapp.extensions import db
from eventapp.regions.models import Region, RegionLevel


def _dataset_files() -> dict[str, Traversable]:
    """The areaid data files, one per province, keyed by lower-case province name."""
    folder = resources.files("areaid") / "data"
    return {
        entry.name.removesuffix(".json"): entry for entry in folder.iterdir() if entry.name.endswith(".json")
    }


def available_provinces() -> list[str]:
    return sorted(name.title() for name in _dataset_files())


def import_regions(province: str | None = None) -> dict[str, int]:
    """Load provinsi → kabupaten/kota → kecamatan → desa/kelurahan from the areaid data set.

    `province` picks one province by name (case-insensitive); None loads all. Regions already
    present are kept, so the import can be run again. Returns the number added per level.
    """
    files = _dataset_files()
    if province is not None:
        key = province.strip().lower().removeprefix("provinsi ").strip()
        if key not in files:
            raise NotFound(f"Provinsi tidak dikenal: {province}")
        files = {key: files[key]}

    known = {
        (level, source_id): region_id
        for level, source_id, region_id in db.session.execute(
            select(Region.level, Region.source_id, Region.id)
        )
    }
    added = {level.value: 0 for level in RegionLevel}

    def add_level(level: RegionLevel, rows: list[dict]) -> None:
        fresh = [row for row in rows if (level.value, row["source_id"]) not in known]
        if fresh:
            db.session.execute(insert(Region), fresh)
            added[level.value] += len(fresh)
            for source_id, region_id in db.session.execute(
                select(Region.source_id, Region.id).where(
                    Region.level == level.value,
                    Region.source_id.in_([row["source_id"] for row in fresh]),
                )
            ):
                known[(level.value, source_id)] = region_id

    for entry in files.values():
        for prov in json.loads(entry.read_text(encoding="utf-8")):
            add_level(
                RegionLevel.PROVINSI,
                [
                    {
                        "level": "provinsi",
                        "name": prov["provinsi"],
                        "parent_id": None,
                        "source_id": prov["id"],
                        "code": prov.get("p_bsni"),
                    }
                ],
            )
            prov_id = known[("provinsi", prov["id"])]
            add_level(
                RegionLevel.KABUPATEN,
                [
                    {
                        "level": "kabupaten",
                        "name": kab["kab_kota"],
                        "parent_id": prov_id,
                        "source_id": kab["id"],
                        "code": kab.get("k_bsni"),
                    }
                    for kab in prov["kabupaten"]
                ],
            )
            kecamatan = [(kab, kec) for kab in prov["kabupaten"] for kec in kab["kecamatan"]]
            add_level(
                RegionLevel.KECAMATAN,
                [
                    {
                        "level": "kecamatan",
                        "name": kec["kec"],
                        "parent_id": known[("kabupaten", kab["id"])],
                        "source_id": kec["id"],
                        "code": None,
                    }
                    for kab, kec in kecamatan
                ],
            )
            add_level(
                RegionLevel.DESA,
                [
                    {
                        "level": "desa",
                        "name": desa["kelu"],
                        "parent_id": known[("kecamatan", kec["id"])],
                        "source_id": desa["id"],
                        "code": None,
                        "postal_code": str(desa["pos"]) if desa.get("pos") else None,
                    }
                    for _, kec in kecamatan
                    for desa in kec["kelurahan"]
                ],
            )
    db.session.commit()
    return added


def children(parent_id: int | None) -> list[Region]:
    """Regions one level below `parent_id`, by name; provinces when it is None."""
    stmt = select(Region).order_by(Region.name)
    stmt = (
        stmt.where(Region.parent_id.is_(None))
        if parent_id is None
        else stmt.where(Region.parent_id == parent_id)
    )
    return list(db.session.scalars(stmt))


def kabupaten_in(area: Region | None) -> list[Region]:
    """Kabupaten/kota inside an office's area: itself, those of its province, or all."""
    if area is not None and area.level == RegionLevel.KABUPATEN:
        return [area]
    stmt = select(Region).where(Region.level == RegionLevel.KABUPATEN).order_by(Region.name)
    if area is not None:
        stmt = stmt.where(Region.parent_id == area.id)
    return list(db.session.scalars(stmt))


def ancestry(region: Region | None) -> dict[str, Region]:
    """{'provinsi': …, 'kabupaten': …, …} for a region and everything above it."""
    chain: dict[str, Region] = {}
    while region is not None:
        chain[region.level] = region
        region = region.parent
    return chain


def is_within(region: Region, area: Region | None) -> bool:
    """True when `region` lies inside `area` (or is it); everything lies inside no area."""
    if area is None:
        return True
    return ancestry(region).get(area.level) is area


def find_child_by_name(parent_id: int | None, level: RegionLevel, name: str) -> Region | None:
    """Match a typed name to a region under `parent_id`, forgiving case and the
    'Kabupaten'/'Kota'/'Kecamatan'/'Desa'/'Kelurahan' prefixes people add or leave out."""
    wanted = _name_variants(name, level)
    for region in children(parent_id):
        if region.level == level and wanted & _name_variants(region.name, level):
            return region
    return None


_PREFIXES = {
    RegionLevel.PROVINSI: ("provinsi ", "prov. "),
    RegionLevel.KABUPATEN: ("kabupaten ", "kab. ", "kab ", "kota "),
    RegionLevel.KECAMATAN: ("kecamatan ", "kec. "),
    RegionLevel.DESA: ("desa ", "kelurahan ", "kel. "),
}


def _name_variants(name: str, level: RegionLevel) -> set[str]:
    text = " ".join(name.lower().split())
    variants = {text}
    for prefix in _PREFIXES[level]:
        if text.startswith(prefix):
            variants.add(text.removeprefix(prefix))
    return variants
