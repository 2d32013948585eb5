"""The KIM registry: scoping between offices, members, phone numbers, import and export."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from eventapp.accounts.models import Role
from eventapp.dbtypes import utcnow
from eventapp.errors import ValidationFailed
from eventapp.kim import services, spreadsheet
from eventapp.kim.models import Kim, KimMember
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.tabular import to_xlsx
from tests.conftest import post_form, region


@pytest.fixture
def two_offices(make_org, make_user, make_kim):
    """Kotim's office with one KIM, Katingan's office with one KIM, and an organizer of each."""
    kotim = make_org()
    katingan = make_org("Diskominfo Kabupaten Katingan", area="Katingan")
    return {
        "kotim": kotim,
        "katingan": katingan,
        "kotim_user": make_user(kotim),
        "kotim_kim": make_kim(kotim, name="KIM Kotabesi Bersinar", members=3),
        "katingan_kim": make_kim(
            katingan, name="KIM Kasongan Cerdas", village="Katingan/Katingan Hilir/Kasongan Lama", members=3
        ),
    }


# --- Scoping -------------------------------------------------------------------------------


def test_organizer_lists_only_its_own_office_kim(client, login, two_offices):
    login(two_offices["kotim_user"])
    page = client.get("/kelola/kim/").get_data(as_text=True)
    assert "KIM Kotabesi Bersinar" in page
    assert "KIM Kasongan Cerdas" not in page


def test_guessing_another_office_kim_id_finds_nothing(client, login, two_offices):
    login(two_offices["kotim_user"])
    other = two_offices["katingan_kim"]
    member = other.members[0]
    for url in (
        f"/kelola/kim/{other.id}",
        f"/kelola/kim/{other.id}/ubah",
        f"/kelola/kim/{other.id}/anggota/baru",
        f"/kelola/kim/{other.id}/anggota/{member.id}",
    ):
        assert client.get(url).status_code == 404, url
    own = two_offices["kotim_kim"]
    status = post_form(
        client, f"/kelola/kim/{other.id}/status", {"active": "0"}, form_url=f"/kelola/kim/{own.id}"
    )
    delete = post_form(
        client, f"/kelola/kim/{other.id}/anggota/{member.id}/hapus", {}, form_url=f"/kelola/kim/{own.id}"
    )
    assert (status.status_code, delete.status_code) == (404, 404)
    # A member of another KIM cannot be reached through one's own KIM either.
    assert client.get(f"/kelola/kim/{own.id}/anggota/{member.id}").status_code == 404
    assert other.active and len(other.members) == 3


def test_export_contains_only_the_office_own_kim(client, login, two_offices):
    login(two_offices["kotim_user"])
    body = client.get("/kelola/kim/ekspor.csv").get_data().decode("utf-8-sig")
    assert "KIM Kotabesi Bersinar" in body
    assert "KIM Kasongan Cerdas" not in body


def test_admin_sees_every_office_kim(client, login, make_user, two_offices):
    login(make_user(role=Role.ADMIN))
    page = client.get("/kelola/kim/").get_data(as_text=True)
    assert "KIM Kotabesi Bersinar" in page and "KIM Kasongan Cerdas" in page


def test_organizer_cannot_register_a_kim_outside_its_area(client, login, db, two_offices):
    login(two_offices["kotim_user"])
    village = region("Katingan/Katingan Hilir/Kasongan Lama")
    response = post_form(
        client,
        "/kelola/kim/baru",
        {
            "name": "KIM Nyasar",
            "registration_number": "KIM-X-1",
            "kabupaten": village.parent.parent_id,
            "kecamatan": village.parent_id,
            "village_id": village.id,
        },
    )
    # The picker only offers Kotim's villages, so the forged choice is dropped and asked again.
    assert 'id="village_id-error" class="field-error">Pilih salah satu.' in response.get_data(as_text=True)
    assert db.session.scalar(select(Kim).where(Kim.name == "KIM Nyasar")) is None
    # The service refuses it too, whatever form sends it.
    with pytest.raises(ValidationFailed, match="di luar wilayah Diskominfo Kabupaten Kotawaringin Timur"):
        services.create_kim(
            two_offices["kotim_user"],
            two_offices["kotim"],
            services.KimData(name="KIM Nyasar", registration_number="KIM-X-1", village_id=village.id),
        )


# --- Forms and the region picker -----------------------------------------------------------


def test_region_picker_narrows_step_by_step_without_javascript(client, login, two_offices):
    login(two_offices["kotim_user"])
    kotim = region("Kotawaringin Timur")
    first = client.get("/kelola/kim/baru").get_data(as_text=True)
    # A kabupaten office has only its own kabupaten; the kecamatan list is already filled.
    assert f'<option selected value="{kotim.id}">' in first
    assert ">Kota Besi</option>" in first
    kota_besi = region("Kotawaringin Timur/Kota Besi")
    second = post_form(
        client,
        "/kelola/kim/baru",
        {
            "name": "KIM Baru",
            "registration_number": "KIM-BARU-1",
            "kabupaten": kotim.id,
            "kecamatan": kota_besi.id,
            "refresh_regions": "Tampilkan pilihan wilayah",
        },
    ).get_data(as_text=True)
    assert ">Kota Besi Hulu</option>" in second
    assert 'value="KIM Baru"' in second
    assert "Wajib diisi" not in second and "Pilih salah satu" not in second


def test_creating_a_kim_and_adding_members(client, login, db, two_offices):
    login(two_offices["kotim_user"])
    village = region("Kotawaringin Timur/Mentaya Hilir Utara/Bagendang Hilir")
    response = post_form(
        client,
        "/kelola/kim/baru",
        {
            "name": "KIM Bagendang Maju",
            "registration_number": "KIM-6202-002",
            "kabupaten": village.parent.parent_id,
            "kecamatan": village.parent_id,
            "village_id": village.id,
            "founded_on": "2020-02-03",
            "phone": "0531 21234",
        },
    )
    assert response.status_code == 302
    kim = db.session.scalar(select(Kim).where(Kim.registration_number == "KIM-6202-002"))
    assert kim.organization_id == two_offices["kotim"].id
    assert kim.phone == "+6253121234"
    detail = client.get(f"/kelola/kim/{kim.id}").get_data(as_text=True)
    assert "Senin, 3 Februari 2020" in detail
    assert "baru memiliki 0 anggota" in detail

    response = post_form(
        client,
        f"/kelola/kim/{kim.id}/anggota/baru",
        {
            "name": "Hj. Masitah",
            "position": "ketua",
            "gender": "P",
            "birth_year": "1975",
            "occupation": "pedagang",
            "phone": "0812-5002-0001",
        },
    )
    assert response.status_code == 302
    detail = client.get(f"/kelola/kim/{kim.id}").get_data(as_text=True)
    assert "Hj. Masitah" in detail
    assert "0812-5002-0001" in detail
    assert "https://wa.me/6281250020001" in detail


def test_member_with_a_bad_phone_gets_a_clear_message_and_keeps_input(client, login, two_offices):
    login(two_offices["kotim_user"])
    kim = two_offices["kotim_kim"]
    response = post_form(
        client,
        f"/kelola/kim/{kim.id}/anggota/baru",
        {
            "name": "Junaidi",
            "position": "anggota",
            "gender": "L",
            "occupation": "nelayan",
            "phone": "0812-34",
            "email": "junaidi@",
            "birth_year": "2190",
        },
    )
    page = response.get_data(as_text=True)
    # Every broken rule in one round trip, each by its field, the same words as the import.
    assert "Nomor HP tidak valid" in page and "Alamat e-mail tidak valid." in page
    assert services.birth_year_message(utcnow().year) in page
    assert 'value="Junaidi"' in page and 'value="0812-34"' in page


def test_a_phone_number_belongs_to_one_member_only(client, login, two_offices):
    login(two_offices["kotim_user"])
    kim = two_offices["kotim_kim"]
    taken = kim.members[0]
    response = post_form(
        client,
        f"/kelola/kim/{kim.id}/anggota/baru",
        {
            "name": "Orang Lain",
            "position": "anggota",
            "gender": "L",
            "occupation": "lainnya",
            "phone": taken.phone.replace("+62", "0"),
        },
    )
    assert f"Nomor HP ini sudah dipakai {taken.name}" in response.get_data(as_text=True)


def test_deactivating_a_kim_hides_it_from_the_active_filter(client, login, two_offices):
    login(two_offices["kotim_user"])
    kim = two_offices["kotim_kim"]
    post_form(client, f"/kelola/kim/{kim.id}/status", {"active": "0"}, form_url=f"/kelola/kim/{kim.id}")
    assert "KIM Kotabesi Bersinar" not in client.get("/kelola/kim/?status=aktif").get_data(as_text=True)
    assert "KIM Kotabesi Bersinar" in client.get("/kelola/kim/?status=tidak_aktif").get_data(as_text=True)


def test_list_filters_by_kecamatan_and_search(client, login, make_kim, two_offices):
    make_kim(
        two_offices["kotim"],
        name="KIM Bagendang Maju",
        village="Kotawaringin Timur/Mentaya Hilir Utara/Bagendang Hilir",
    )
    login(two_offices["kotim_user"])
    kec = region("Kotawaringin Timur/Mentaya Hilir Utara")
    page = client.get(f"/kelola/kim/?kabupaten={kec.parent_id}&kecamatan={kec.id}").get_data(as_text=True)
    assert "KIM Bagendang Maju" in page and "KIM Kotabesi Bersinar" not in page
    page = client.get("/kelola/kim/?q=kotabesi").get_data(as_text=True)
    assert "KIM Kotabesi Bersinar" in page and "KIM Bagendang Maju" not in page


def test_list_pages_through_many_kim(client, login, make_kim, two_offices):
    for n in range(30):
        make_kim(two_offices["kotim"], name=f"KIM Halaman {n:02d}")
    login(two_offices["kotim_user"])
    first = client.get("/kelola/kim/?q=halaman").get_data(as_text=True)
    assert "30 KIM ditemukan" in first and "Halaman 1 dari 2" in first
    assert "KIM Halaman 24" in first and "KIM Halaman 25" not in first
    second = client.get("/kelola/kim/?q=halaman&page=2").get_data(as_text=True)
    assert "KIM Halaman 25" in second and "KIM Halaman 29" in second


def test_list_page_costs_the_same_queries_for_few_or_many_kim(
    client, login, make_kim, count_queries, two_offices
):
    login(two_offices["kotim_user"])
    with count_queries() as few:
        client.get("/kelola/kim/")
    for n in range(25):
        make_kim(
            two_offices["kotim"],
            name=f"KIM Banyak {n}",
            members=1,
            village="Kotawaringin Timur/Mentaya Hilir Utara/Bagendang Hilir",
        )
    with count_queries() as many:
        page = client.get("/kelola/kim/").get_data(as_text=True)
    assert "KIM Banyak 24" in page
    assert len(many) == len(few)


# --- Rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("(0531) 21234", "+6253121234"),
    ],
)
def test_phone_numbers_are_normalized_to_e164(typed, normal):
    assert normalize_phone(typed) == normal


@pytest.mark.parametrize("typed", ["", "0812", "12345678901234567", "telepon"])
def test_impossible_phone_numbers_are_refused(typed):
    with pytest.raises(InvalidPhone):
        normalize_phone(typed)


def test_member_count_warning_outside_three_to_thirty(app):
    assert "baru memiliki 2 anggota" in services.member_count_warning(2)
    assert services.member_count_warning(3) is None
    assert services.member_count_warning(30) is None
    assert "melebihi batas 30" in services.member_count_warning(31)


def test_list_marks_kim_outside_the_member_range(client, login, make_kim, two_offices):
    make_kim(two_offices["kotim"], name="KIM Kecil", members=2)
    login(two_offices["kotim_user"])
    page = client.get("/kelola/kim/?q=kecil").get_data(as_text=True)
    assert "di luar 3–30" in page
    page = client.get("/kelola/kim/?q=kotabesi").get_data(as_text=True)
    assert "di luar 3–30" not in page


# --- Import and export -----------------------------------------------------------------------


def _row(**values):
    base = dict.fromkeys(spreadsheet.COLUMNS, "")
    base.update(values)
    return [base[column] for column in spreadsheet.COLUMNS]


GOOD_ROWS = [
    _row(
        nomor_induk="KIM-6202-010",
        nama_kim="KIM Camba Sejahtera",
        kabupaten_kota="Kotawaringin Timur",
        kecamatan="Kota Besi",
        desa_kelurahan="Camba",
        tanggal_berdiri="15/03/2021",
        status="aktif",
        nama_anggota="Siti Rahmah",
        jabatan="Ketua",
        jenis_kelamin="P",
        tahun_lahir=1985,
        pekerjaan="Pedagang",
        no_hp="0812-5100-0001",
    ),
    _row(
        nomor_induk="KIM-6202-010",
        nama_anggota="Ahmad Fauzi",
        jenis_kelamin="L",
        pekerjaan="pelajar/mahasiswa",
        no_hp="6281251000002",
    ),
    _row(nomor_induk="KIM-6202-010", nama_anggota="Rusdi", jenis_kelamin="L", pekerjaan="nelayan"),
    _row(
        nomor_induk="KIM-6202-011",
        nama_kim="KIM Soren Mandiri",
        kabupaten_kota="Kabupaten Kotawaringin Timur",
        kecamatan="kota besi",
        desa_kelurahan="SOREN",
        nama_anggota="Yanti",
        jenis_kelamin="P",
        no_hp="0812 5100 0003",
    ),
]


def _upload(client, filename: str, content: bytes):
    return post_form(
        client,
        "/kelola/kim/impor",
        {"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _csv(rows, headers=spreadsheet.COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _counts(db):
    return db.session.scalar(select(func.count(Kim.id))), db.session.scalar(select(func.count(KimMember.id)))


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_import_adds_every_kim_and_member(client, login, db, two_offices, kind):
    login(two_offices["kotim_user"])
    content = to_xlsx(spreadsheet.COLUMNS, GOOD_ROWS, "KIM") if kind == "xlsx" else _csv(GOOD_ROWS)
    response = _upload(client, f"kim.{kind}", content)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Impor berhasil: 2 KIM dan 4 anggota ditambahkan." in page
    assert "KIM Soren Mandiri: KIM ini baru memiliki 1 anggota" in page
    kim = db.session.scalar(select(Kim).where(Kim.registration_number == "KIM-6202-010"))
    assert kim.organization_id == two_offices["kotim"].id
    assert kim.village.name == "Camba"
    assert kim.founded_on.isoformat() == "2021-03-15"
    assert [(m.name, m.position, m.phone) for m in kim.members] == [
        ("Siti Rahmah", "ketua", "+6281251000001"),
        ("Ahmad Fauzi", "anggota", "+6281251000002"),
        ("Rusdi", "anggota", None),
    ]


def test_bad_import_changes_nothing_and_reports_each_wrong_row(client, login, db, two_offices):
    login(two_offices["kotim_user"])
    existing = two_offices["kotim_kim"]
    rows = [
        *GOOD_ROWS,
        _row(
            nomor_induk=existing.registration_number,
            nama_kim="KIM Ganda",
            kabupaten_kota="Kotawaringin Timur",
            kecamatan="Kota Besi",
            desa_kelurahan="Camba",
        ),
        _row(
            nomor_induk="KIM-6202-012",
            nama_kim="KIM Salah Wilayah",
            kabupaten_kota="Kotawaringin Timur",
            kecamatan="Kota Besi",
            desa_kelurahan="Kasongan Lama",
            nama_anggota="Dedi",
            jenis_kelamin="X",
            no_hp="0812-5100-0001",
        ),
        _row(
            nomor_induk="KIM-6202-013",
            nama_kim="KIM Tetangga",
            kabupaten_kota="Katingan",
            kecamatan="Katingan Hilir",
            desa_kelurahan="Kasongan Lama",
            tahun_lahir="dulu",
            nama_anggota="Eka",
            jenis_kelamin="P",
            no_hp=existing.members[0].phone,
        ),
    ]
    before = _counts(db)
    response = _upload(client, "kim.csv", _csv(rows))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _counts(db) == before
    assert "Impor dibatalkan" in page and "Tidak ada data yang disimpan" in page
    expected = [
        ("6", "nomor_induk", f"Nomor induk {existing.registration_number} sudah terdaftar."),
        ("7", "desa_kelurahan", "Desa/kelurahan &#34;Kasongan Lama&#34; tidak ada di Kecamatan Kota Besi."),
        ("7", "jenis_kelamin", "Jenis kelamin wajib diisi: L (laki-laki) atau P (perempuan)."),
        ("7", "no_hp", "Nomor HP sama dengan baris 2."),
        ("8", "kabupaten_kota", "Kabupaten/kota &#34;Katingan&#34; tidak dikenal atau di luar wilayah Anda."),
        ("8", "tahun_lahir", services.birth_year_message(utcnow().year)),
        ("8", "no_hp", f"Nomor HP ini sudah dipakai {existing.members[0].name} ({existing.name})."),
    ]
    for line, column, message in expected:
        assert f"<li><strong>Baris {line}</strong>, <code>{column}</code>: {message}</li>" in page, (
            line,
            column,
        )


def test_import_without_the_required_columns_says_which(client, login, db, two_offices):
    login(two_offices["kotim_user"])
    page = _upload(client, "kim.csv", _csv([["KIM A", "x"]], headers=["nama_kim", "lain"])).get_data(
        as_text=True
    )
    assert "nomor_induk, kabupaten_kota, kecamatan, desa_kelurahan" in page
    assert "Kolom wajib tidak ada" in page


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("kim.pdf", b"%PDF-1.4", "Unggah berkas .xlsx atau .csv."),
        ("kim.xlsx", b"bukan excel", "Berkas XLSX tidak dapat dibaca."),
        ("kim.csv", b"", "Berkas kosong"),
    ],
)
def test_unreadable_files_get_a_clear_message(client, login, two_offices, filename, content, message):
    login(two_offices["kotim_user"])
    assert message in _upload(client, filename, content).get_data(as_text=True)


def test_export_opens_in_excel_and_imports_back(client, login, db, make_org, make_user, two_offices):
    login(two_offices["kotim_user"])
    csv_body = client.get("/kelola/kim/ekspor.csv").get_data()
    assert csv_body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_body.decode("utf-8-sig"))))
    assert rows[0] == spreadsheet.COLUMNS
    assert len(rows) == 1 + 3  # one row per member

    xlsx = client.get("/kelola/kim/ekspor.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == spreadsheet.COLUMNS
    assert values[1][1] == "KIM Kotabesi Bersinar"

    # The same file, its numbers and phones freed, goes into another office of the same area.
    db.session.execute(KimMember.__table__.delete())
    db.session.execute(Kim.__table__.delete())
    db.session.commit()
    response = _upload(client, "kim.xlsx", xlsx.get_data())
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _counts(db) == (1, 3)


def test_template_file_is_a_valid_import(client, login, db, two_offices):
    login(two_offices["kotim_user"])
    template = client.get("/kelola/kim/templat.xlsx")
    assert template.status_code == 200
    response = _upload(client, "templat.xlsx", template.get_data())
    assert response.status_code == 302, response.get_data(as_text=True)


def test_built_in_validator_messages_are_in_indonesian(client, login, two_offices):
    login(two_offices["kotim_user"])
    kim = two_offices["kotim_kim"]
    page = post_form(
        client,
        f"/kelola/kim/{kim.id}/anggota/baru",
        {
            "name": "Junaidi",
            "position": "anggota",
            "gender": "L",
            "occupation": "nelayan",
            "birth_year": "tua",
        },
    ).get_data(as_text=True)
    assert "Isi dengan bilangan bulat." in page and "Not a valid" not in page
