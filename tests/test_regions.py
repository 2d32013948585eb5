"""Region data: the import command and name matching."""

from sqlalchemy import func, select

from eventapp.regions.models import Region, RegionLevel
from eventapp.regions.services import find_child_by_name, import_regions
from tests.conftest import region


def _count(db, level):
    return db.session.scalar(select(func.count(Region.id)).where(Region.level == level))


def test_kalimantan_tengah_has_its_fourteen_kabupaten_kota(db):
    kalteng = find_child_by_name(None, RegionLevel.PROVINSI, "Kalimantan Tengah")
    kabupaten = db.session.scalars(select(Region.name).where(Region.parent_id == kalteng.id)).all()
    assert len(kabupaten) == 14
    assert "Kota Palangka Raya" in kabupaten and "Kabupaten Kotawaringin Timur" in kabupaten
    assert kalteng.code == "ID-KT"


def test_villages_carry_their_postal_code(db):
    assert region("Kotawaringin Timur/Kota Besi/Kota Besi Hulu").postal_code.isdigit()


def test_import_command_adds_a_province_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["regions", "import", "--province", "Kalimantan Utara"])
    assert first.exit_code == 0, first.output
    assert "kabupaten: 5 baru" in first.output
    desa = _count(db, RegionLevel.DESA)
    second = runner.invoke(args=["regions", "import", "--province", "kalimantan utara"])
    assert "provinsi: 0 baru, kabupaten: 0 baru, kecamatan: 0 baru, desa: 0 baru" in second.output
    assert _count(db, RegionLevel.DESA) == desa


def test_import_of_an_unknown_province_lists_the_known_ones(app):
    result = app.test_cli_runner().invoke(args=["regions", "import", "--province", "Atlantis"])
    assert result.exit_code != 0
    assert "Provinsi tidak dikenal: Atlantis" in result.output
    assert "Kalimantan Tengah" in result.output


def test_reimport_is_idempotent(db):
    assert import_regions("Kalimantan Tengah") == {"provinsi": 0, "kabupaten": 0, "kecamatan": 0, "desa": 0}


def test_names_match_with_or_without_the_usual_prefixes(db):
    kalteng = find_child_by_name(None, RegionLevel.PROVINSI, "Provinsi Kalimantan Tengah")
    for typed in ("Kotawaringin Timur", "kabupaten kotawaringin timur", "Kab. Kotawaringin Timur"):
        assert (
            find_child_by_name(kalteng.id, RegionLevel.KABUPATEN, typed).name
            == "Kabupaten Kotawaringin Timur"
        )
    assert find_child_by_name(kalteng.id, RegionLevel.KABUPATEN, "Palangka Raya").name == "Kota Palangka Raya"
    kotim = region("Kotawaringin Timur")
    assert find_child_by_name(kotim.id, RegionLevel.KECAMATAN, "Kecamatan Kota Besi").name == "Kota Besi"
