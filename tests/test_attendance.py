"""Attendance: the door desk, undo and walk-ins, the online code window, meeting-report import,
rakor marks, the attendance rule, the matrix, reports, the printed sheet and role limits."""

import io
from datetime import time, timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from eventapp.accounts.models import Role
from eventapp.attendance import services
from eventapp.attendance.models import Attendance
from eventapp.dbtypes import utcnow
from eventapp.errors import DomainError
from eventapp.events import services as events
from eventapp.registration import services as registration
from tests.conftest import post_form
from tests.factories import arrived, registrant, system_actor, under_way


@pytest.fixture
def desk(make_org, make_user, make_event):
    """A two-session event with confirmed, cancelled and waitlisted people, and door staff."""
    org = make_org(
        signatory_name="Marjuki, S.Sos., M.AP.",
        signatory_nip="197305121993031004",
        signatory_title="Kepala Dinas Komunikasi dan Informatika",
        letterhead="PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR\nDINAS KOMUNIKASI DAN INFORMATIKA",
    )
    day = (utcnow() + timedelta(days=2)).date()
    event = make_event(
        org,
        venue_capacity=2,
        sessions=[
            events.SessionData(day, time(8), time(12), "Hari 1"),
            events.SessionData(day + timedelta(days=1), time(8), time(12), "Hari 2"),
        ],
    )
    now = utcnow()
    siti = registration.register(
        event,
        registrant(name="Siti Rahmah", phone="081377770001", email="siti@example.org", notify_by="email"),
        now,
    ).registration
    budi = registration.register(
        event, registrant(name="Budi Santoso", phone="081377770002"), now
    ).registration
    waiting = registration.register(
        event, registrant(name="Dewi Waiting", phone="081377770003"), now
    ).registration
    other = make_event(org, title="Acara Lain")
    stranger = registration.register(
        other, registrant(name="Orang Lain", phone="081377770004"), now
    ).registration
    under_way(event.sessions[0])
    return {
        "org": org,
        "event": event,
        "siti": siti,
        "budi": budi,
        "waiting": waiting,
        "stranger": stranger,
        "staff": make_user(org, role=Role.CHECKIN),
        "organizer": make_user(org),
    }


def _scan(client, desk, code, session=None, any_day=False):
    event = desk["event"]
    session = session or event.sessions[0]
    url = f"/kelola/acara/{event.id}/presensi?sesi={session.id}" + ("&luar_hari=1" if any_day else "")
    return post_form(client, url, {"code": code})


def test_scanning_codes_at_the_door(client, login, db, desk):
    login(desk["staff"])
    first = _scan(client, desk, desk["siti"].code.lower().replace("-", "")).get_data(as_text=True)
    assert "Tercatat hadir" in first and "Siti Rahmah" in first
    again = _scan(client, desk, desk["siti"].code)
    assert again.status_code == 200 and "Sudah tercatat hadir pukul" in again.get_data(as_text=True)
    assert "Kode ini untuk acara lain: Acara Lain." in _scan(client, desk, desk["stranger"].code).get_data(
        as_text=True
    )
    assert "Kode tidak dikenal." in _scan(client, desk, "ZZZ-ZZZZ").get_data(as_text=True)
    assert "masih di daftar tunggu" in _scan(client, desk, desk["waiting"].code).get_data(as_text=True)
    registration.cancel(desk["budi"], utcnow())
    assert "sudah dibatalkan" in _scan(client, desk, desk["budi"].code).get_data(as_text=True)
    # The participant-page URL inside the QR works as well as the code.
    second_day = desk["event"].sessions[1]
    url = f"http://eventapp.test/p/{desk['siti'].token}"
    assert "Tercatat hadir" in _scan(client, desk, url, second_day, any_day=True).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Attendance.id))) == 2


def test_undo_a_mistaken_check_in(client, login, db, desk):
    login(desk["staff"])
    _scan(client, desk, desk["siti"].code)
    attendance = db.session.scalar(select(Attendance))
    event = desk["event"]
    response = post_form(
        client,
        f"/kelola/acara/{event.id}/presensi/batal/{attendance.id}",
        {},
        form_url=f"/kelola/acara/{event.id}/presensi",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    assert "Tercatat hadir" in _scan(client, desk, desk["siti"].code).get_data(as_text=True)


def test_search_by_name_and_check_in(client, login, desk):
    login(desk["staff"])
    event = desk["event"]
    page = client.get(f"/kelola/acara/{event.id}/presensi?q=budi").get_data(as_text=True)
    assert "Budi Santoso" in page and "Siti Rahmah" not in page
    response = post_form(
        client,
        f"/kelola/acara/{event.id}/presensi/hadir/{desk['budi'].id}",
        {},
        form_url=f"/kelola/acara/{event.id}/presensi",
    )
    assert response.status_code == 302
    desk_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tercatat hadir" in desk_page and "Budi Santoso" in desk_page
    assert "1 dari 2 hadir" in desk_page
    # The search form sends to the desk itself, wherever the page came from.
    assert f'<form method="get" action="/kelola/acara/{event.id}/presensi" role="search">' in desk_page
    assert "Terdaftar" in client.get(f"/kelola/acara/{event.id}/presensi?q=budi").get_data(as_text=True)


def test_walk_in_is_registered_and_checked_in_even_when_full(client, login, db, desk, count_commits, mailbox):
    login(desk["staff"])
    event = desk["event"]
    walk_in = {
        "name": "Tamu Datang",
        "phone": "0813 7777 0099",
        "gender": "L",
        "occupation": "petani",
        "kim_id": "-1",
        "institution": "Desa Soren",
        "position": "Warga",
        "email": "tamu@example.org",
        "notify_by": "both",
    }
    with count_commits() as commits:
        response = post_form(client, f"/kelola/acara/{event.id}/presensi/walkin", walk_in)
    assert "Tercatat hadir" in response.get_data(as_text=True)
    assert len(commits) == 1  # registered, confirmed and checked in as one unit of work
    assert db.session.scalar(select(func.count(Attendance.id))) == 1
    walked_in = db.session.scalar(
        select(registration.Registration).where(registration.Registration.name == "Tamu Datang")
    )
    assert walked_in.status == "confirmed"
    assert [m["Subject"] for m in mailbox if m["To"] == "tamu@example.org"] == [
        f"Pendaftaran diterima: {event.title}"
    ]  # one message: no "waiting list" followed by "you have a seat"
    # Someone on the waiting list who comes anyway is confirmed at the door.
    waiting = desk["waiting"]
    post_form(
        client,
        f"/kelola/acara/{event.id}/presensi/walkin",
        {**walk_in, "name": waiting.name, "phone": waiting.phone, "email": ""},
    )
    db.session.refresh(waiting)
    assert waiting.status == "confirmed" and db.session.scalar(select(func.count(Attendance.id))) == 2


def test_checkin_staff_reach_only_the_desk(client, login, desk):
    login(desk["staff"])
    event = desk["event"]
    assert client.get("/kelola/presensi").status_code == 200
    assert client.get(f"/kelola/acara/{event.id}/presensi").status_code == 200
    for url in (
        "/kelola/acara/",
        f"/kelola/acara/{event.id}",
        f"/kelola/acara/{event.id}/peserta",
        f"/kelola/acara/{event.id}/presensi/matriks",
        f"/kelola/acara/{event.id}/presensi/kode",
        f"/kelola/acara/{event.id}/presensi/laporan-rapat",
        f"/kelola/acara/{event.id}/daftar-hadir.pdf",
        "/kelola/laporan/presensi",
        "/kelola/kim/",
        "/kelola/pengguna/",
        f"/kelola/organisasi/{event.organization_id}",
    ):
        assert client.get(url).status_code == 403, url


def test_door_staff_of_another_office_find_nothing(client, login, make_org, make_user, desk):
    other = make_org("Diskominfo Kabupaten Katingan", area="Katingan")
    login(make_user(other, role=Role.CHECKIN))
    assert client.get(f"/kelola/acara/{desk['event'].id}/presensi").status_code == 404


# --- Online ----------------------------------------------------------------------------------------


@pytest.fixture
def webinar(db, make_org, make_event):
    """An online webinar starting in ten minutes, for two hours, with one seat: Siti has it,
    Budi waits for it; Ani is registered for another event."""
    org = make_org()
    event = make_event(
        org,
        kind="webinar",
        mode="daring",
        online_url="https://zoom.us/j/1",
        online_capacity=1,
        venue_capacity=None,
    )
    # Set in UTC, so that the session never crosses local midnight whenever the suite runs.
    session = event.sessions[0]
    session.title = "Materi 1"
    session.starts_at = utcnow() + timedelta(minutes=10)
    session.ends_at = session.starts_at + timedelta(hours=2)
    db.session.commit()
    now = utcnow()
    siti = registration.register(event, registrant(name="Siti", phone="081377770001"), now).registration
    budi = registration.register(event, registrant(name="Budi", phone="081377770002"), now).registration
    other = make_event(org, title="Acara Lain")
    ani = registration.register(other, registrant(name="Ani", phone="081377770004"), now).registration
    return {"event": event, "session": event.sessions[0], "siti": siti, "budi": budi, "ani": ani}


RULE = services.CodeWindowRule(lead=timedelta(minutes=30), grace=timedelta(minutes=30))


def test_code_window_before_during_and_after(db, webinar):
    session = webinar["session"]
    t0 = utcnow()
    window = services.open_code_window(system_actor(), session, 30, t0, RULE)
    with pytest.raises(DomainError, match="Presensi belum dibuka"):
        services.submit_code(window.code, webinar["siti"].code, t0 - timedelta(minutes=1))
    attendance = services.submit_code(window.code.lower(), "0813-7777-0001", t0 + timedelta(minutes=10))
    assert attendance.registration_id == webinar["siti"].id and attendance.method == "code"
    assert attendance.session_id == session.id
    with pytest.raises(DomainError, match="Waktu presensi sudah ditutup"):
        services.submit_code(window.code, webinar["siti"].code, t0 + timedelta(minutes=31))
    with pytest.raises(DomainError, match="Kode presensi salah"):
        services.submit_code("XXXXXX", webinar["siti"].code, t0 + timedelta(minutes=10))
    with pytest.raises(DomainError, match="tidak ditemukan"):
        services.submit_code(window.code, webinar["ani"].code, t0 + timedelta(minutes=10))


def test_a_code_window_opens_only_around_its_session(db, webinar):
    session = webinar["session"]
    with pytest.raises(DomainError, match="hanya dapat dibuka antara") as error:
        services.open_code_window(system_actor(), session, 30, session.starts_at - timedelta(hours=1), RULE)
    assert error.value.code == "window_outside_session"
    with pytest.raises(DomainError, match="hanya dapat dibuka antara"):
        services.open_code_window(system_actor(), session, 30, session.ends_at + timedelta(minutes=31), RULE)
    late = services.open_code_window(
        system_actor(), session, 240, session.ends_at - timedelta(minutes=5), RULE
    )
    assert late.closes_at == session.ends_at + timedelta(minutes=30)  # clipped to the grace period


def test_the_code_tells_waiting_and_in_person_participants_what_applies(db, make_event, webinar):
    window = services.open_code_window(system_actor(), webinar["session"], 30, utcnow(), RULE)
    with pytest.raises(DomainError, match="masih di daftar tunggu"):
        services.submit_code(window.code, webinar["budi"].code, utcnow())
    event = webinar["event"]
    event.mode = "hibrida"
    event.venue_name, event.venue_capacity = "Aula", 10
    in_person = registration.register(
        event, registrant(name="Dewi", phone="081377770005", attendance_mode="luring"), utcnow()
    ).registration
    with pytest.raises(DomainError, match="presensi Anda dicatat di meja registrasi"):
        services.submit_code(window.code, in_person.code, utcnow())


def test_public_attendance_page_names_the_session_and_is_rate_limited(client, db, webinar):
    window = services.open_code_window(system_actor(), webinar["session"], 30, utcnow(), RULE)
    page = post_form(client, "/presensi", {"code": window.code, "identifier": webinar["siti"].code})
    assert "sesi" in page.get_data(as_text=True) and "(Materi 1), tercatat" in page.get_data(as_text=True)
    wrong = post_form(client, "/presensi", {"code": "AAAAAA", "identifier": webinar["siti"].code})
    assert "Kode presensi salah" in wrong.get_data(as_text=True)
    statuses = [
        post_form(client, "/presensi", {"code": "AAAAAA", "identifier": "x"}).status_code for _ in range(10)
    ]
    assert 429 in statuses


REPORT = """Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
123 456 789,Webinar KIM,12/10/2026 09:00,12/10/2026 13:00,panitia@example.org,240,5

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
Siti R,SITI@example.org,12/10/2026 08:58,12/10/2026 10:30,92,Yes
Siti R,siti@example.org,12/10/2026 10:35,12/10/2026 12:00,85,Yes
Budi Santoso,,12/10/2026 09:00,12/10/2026 09:40,40,Yes
HP 0813-7777-0003 Dewi,,12/10/2026 09:00,12/10/2026 12:00,180,Yes
Tamu Tak Dikenal,tamu@example.org,12/10/2026 09:00,12/10/2026 12:00,180,Yes
"""


def test_meeting_report_import_matches_counts_and_can_be_repeated(client, login, db, desk):
    event = desk["event"]
    registration.set_status(system_actor(), desk["waiting"], "confirmed", utcnow())
    login(desk["organizer"])
    url = f"/kelola/acara/{event.id}/presensi/laporan-rapat?sesi={event.sessions[0].id}"

    def upload():
        return post_form(
            client,
            url,
            {"file": (io.BytesIO(REPORT.encode()), "zoom.csv"), "min_share": "70"},
            content_type="multipart/form-data",
        ).get_data(as_text=True)

    page = upload()
    assert "Hadir (sedikitnya 168 menit): 2 orang." in page  # 70 % of 240 minutes
    assert "Budi Santoso — 40 menit" in page
    assert "Tamu Tak Dikenal" in page
    records = {a.registration_id: a.minutes for a in db.session.scalars(select(Attendance))}
    assert records == {desk["siti"].id: 177, desk["waiting"].id: 180}
    upload()
    assert {a.registration_id: a.minutes for a in db.session.scalars(select(Attendance))} == records

    post_form(
        client,
        f"/kelola/acara/{event.id}/presensi/cocokkan?sesi={event.sessions[0].id}",
        {"registration_id": desk["budi"].id, "minutes": "180"},
        form_url=url,
    )
    assert (
        db.session.scalar(select(Attendance.minutes).where(Attendance.registration_id == desk["budi"].id))
        == 180
    )


def test_report_without_a_duration_column_is_refused(client, login, desk):
    login(desk["organizer"])
    event = desk["event"]
    page = post_form(
        client,
        f"/kelola/acara/{event.id}/presensi/laporan-rapat",
        {"file": (io.BytesIO(b"Nama,Email\nSiti,siti@example.org\n"), "x.csv"), "min_share": "70"},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Kolom nama dan durasi tidak ditemukan" in page


# --- Rule, matrix, marks, reports -------------------------------------------------------------------


def test_attendance_rule_by_sessions_and_by_time(db, desk):
    event, siti = desk["event"], desk["siti"]
    services.check_in(system_actor(), event, event.sessions[0], siti, arrived(event.sessions[0]))
    assert services.person_attendance(siti).meets_rule  # default: at least 1 session
    data = events.EventData.from_event(event)
    data.attendance_min_sessions = 2
    events.update_event(system_actor(), event, data, utcnow())
    assert not services.person_attendance(siti).meets_rule
    data.attendance_rule, data.attendance_min_percent = "persen", 50
    events.update_event(system_actor(), event, data, utcnow())
    assert services.person_attendance(siti).meets_rule  # 4 of 8 hours
    data.attendance_min_percent = 60
    events.update_event(system_actor(), event, data, utcnow())
    assert not services.person_attendance(siti).meets_rule


def test_participant_page_shows_attendance_against_the_rule(client, db, desk):
    event, siti = desk["event"], desk["siti"]
    page = client.get(f"/p/{siti.token}").get_data(as_text=True)
    assert "Hadir di 0 dari 2 sesi." in page and "belum memenuhi syarat sertifikat" in page
    services.check_in(system_actor(), event, event.sessions[0], siti, arrived(event.sessions[0]))
    page = client.get(f"/p/{siti.token}").get_data(as_text=True)
    assert "Hadir di 1 dari 2 sesi." in page and "memenuhi syarat sertifikat" in page


def test_matrix_and_its_export(client, login, db, desk):
    event = desk["event"]
    services.check_in(system_actor(), event, event.sessions[1], desk["siti"], arrived(event.sessions[1]))
    login(desk["organizer"])
    page = client.get(f"/kelola/acara/{event.id}/presensi/matriks?status=memenuhi").get_data(as_text=True)
    assert "Siti Rahmah" in page and "Budi Santoso" not in page
    sheet = load_workbook(
        io.BytesIO(client.get(f"/kelola/acara/{event.id}/presensi/matriks.xlsx").get_data())
    ).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Siti Rahmah"][4:] == (None, "hadir", 1, 240, "ya")
    assert rows["Budi Santoso"][-1] == "tidak"


def test_rakor_invitees_are_marked_present_excused_or_absent(client, login, db, desk):
    event = desk["event"]
    login(desk["organizer"])
    session = event.sessions[0]
    for person, status in ((desk["siti"], "hadir"), (desk["budi"], "izin")):
        post_form(
            client,
            f"/kelola/acara/{event.id}/presensi/tandai?sesi={session.id}",
            {"registration_id": person.id, "status": status},
            form_url=f"/kelola/acara/{event.id}/presensi/matriks",
        )
    marks = dict(db.session.execute(select(Attendance.registration_id, Attendance.status)).all())
    assert marks == {desk["siti"].id: "hadir", desk["budi"].id: "izin"}
    assert not services.person_attendance(desk["budi"]).meets_rule


def test_report_gives_rates_per_event_kim_and_kabupaten(client, login, db, desk):
    event = desk["event"]
    services.check_in(system_actor(), event, event.sessions[0], desk["siti"], arrived(event.sessions[0]))
    login(desk["organizer"])
    today = utcnow().date()
    page = client.get(
        f"/kelola/laporan/presensi?dari={today.isoformat()}&sampai={(today + timedelta(days=10)).isoformat()}"
    ).get_data(as_text=True)
    assert event.title in page and "50%" in page  # 1 of the 2 confirmed came
    xlsx = client.get(
        f"/kelola/laporan/presensi?dari={today.isoformat()}&sampai="
        f"{(today + timedelta(days=10)).isoformat()}&format=xlsx"
    )
    rows = list(load_workbook(io.BytesIO(xlsx.get_data())).active.iter_rows(min_row=2, values_only=True))
    assert ("event", event.title, 2, 1, 50) in rows


# --- The printed sheet ---------------------------------------------------------------------------


def _pdf_text(data: bytes) -> tuple[int, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), [page.extract_text() for page in reader.pages]


def test_daftar_hadir_blank_and_filled(client, login, db, desk):
    event = desk["event"]
    now = utcnow()
    events.update_event(
        system_actor(),
        event,
        events.EventData.from_event(event, venue_capacity=None),
        now,
    )
    for n in range(40):
        registration.register(
            event, registrant(name=f"Peserta Nomor {n:02d}", phone=f"0813888800{n:02d}"), now
        )
    login(desk["organizer"])
    response = client.get(f"/kelola/acara/{event.id}/daftar-hadir.pdf?sesi={event.sessions[0].id}")
    assert response.mimetype == "application/pdf"
    pages, texts = _pdf_text(response.get_data())
    assert pages >= 2
    assert "DAFTAR HADIR" in texts[0] and "PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR" in texts[0]
    assert "Peserta Nomor 00" in texts[0] and any("Peserta Nomor 39" in t for t in texts)
    assert "Asal KIM atau Instansi" in texts[1] and "Tanda Tangan" in texts[1]  # header repeats
    assert "Marjuki, S.Sos., M.AP." in texts[-1] and "NIP. 197305121993031004" in texts[-1]

    services.check_in(system_actor(), event, event.sessions[0], desk["siti"], arrived(event.sessions[0]))
    filled = client.get(f"/kelola/acara/{event.id}/daftar-hadir.pdf?sesi={event.sessions[0].id}&versi=isi")
    pages, texts = _pdf_text(filled.get_data())
    assert pages == 1 and "Siti Rahmah" in texts[0] and "Jam hadir" in texts[0]
    assert "Peserta Nomor 00" not in texts[0]


def test_the_filled_sheet_lists_those_in_the_hall_with_masked_phones_and_local_times(
    client, login, db, make_org, make_user, make_event
):
    org = make_org()
    event = make_event(
        org, mode="hibrida", online_url="https://zoom.us/j/1", online_capacity=10, venue_capacity=10
    )
    now = utcnow()
    hall = registration.register(
        event, registrant(name="Ibu Di Aula", phone="081377770001", attendance_mode="luring"), now
    ).registration
    online = registration.register(
        event, registrant(name="Bapak Daring", phone="081377770002", attendance_mode="daring"), now
    ).registration
    session = event.sessions[0]
    services.check_in(system_actor(), event, session, hall, session.starts_at + timedelta(minutes=7))
    services.check_in(system_actor(), event, session, online, session.starts_at + timedelta(minutes=9))
    login(make_user(org))
    sheet = client.get(f"/kelola/acara/{event.id}/daftar-hadir.pdf?sesi={session.id}&versi=isi")
    _pages, texts = _pdf_text(sheet.get_data())
    text = " ".join(texts)
    assert "Ibu Di Aula" in text and "Bapak Daring" not in text
    assert "08•• •••• 0001" in text and "0813-7777-0001" not in text
    assert "09.07 WIB" in text and "09.00–12.00 WIB" in text


def test_the_desk_asks_before_checking_in_on_another_day(client, login, db, desk):
    """A desk opened for tomorrow's session does not quietly record people today."""
    login(desk["staff"])
    event, tomorrow = desk["event"], desk["event"].sessions[1]
    page = client.get(f"/kelola/acara/{event.id}/presensi?sesi={tomorrow.id}").get_data(as_text=True)
    assert "bukan hari ini" in page and "Tetap catat presensi untuk sesi ini" in page
    refused = _scan(client, desk, desk["siti"].code, tomorrow)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Belum dicatat. Sesi ini dijadwalkan" in text
    assert f"Tetap catat {desk['siti'].name} untuk sesi ini" in text  # one button for this person
    found = post_form(
        client,
        f"/kelola/acara/{event.id}/presensi/hadir/{desk['siti'].id}?sesi={tomorrow.id}",
        {},
        form_url=f"/kelola/acara/{event.id}/presensi",
    )
    assert found.status_code == 422 and f"Tetap catat {desk['siti'].name} untuk sesi ini" in found.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    # The desk confirmed it: the scan is recorded for that session.
    assert "Tercatat hadir" in _scan(client, desk, desk["siti"].code, tomorrow, any_day=True).get_data(
        as_text=True
    )
    assert db.session.scalar(select(Attendance.session_id)) == tomorrow.id


def test_a_walk_in_on_another_day_keeps_the_form_and_registers_nobody(client, login, db, desk):
    login(desk["staff"])
    event, tomorrow = desk["event"], desk["event"].sessions[1]
    before = db.session.scalar(select(func.count()).select_from(registration.Registration))
    url = f"/kelola/acara/{event.id}/presensi/walkin?sesi={tomorrow.id}"
    fields = {"name": "Rudi Datang Awal", "phone": "081377779999", "gender": "L", "occupation": "lainnya"}
    fields["institution"] = "Desa Camba"
    page = post_form(client, url, fields).get_data(as_text=True)
    assert "bukan hari ini" in page and 'value="Rudi Datang Awal"' in page
    assert "Belum didaftarkan: centang kotak ini" in page
    assert db.session.scalar(select(func.count()).select_from(registration.Registration)) == before
    done = post_form(client, url, {**fields, "luar_hari": "1"}).get_data(as_text=True)
    assert "Tercatat hadir" in done and "Rudi Datang Awal" in done


def test_door_staff_see_todays_event_first_and_not_past_ones(client, login, desk, make_event):
    later = make_event(
        desk["org"],
        title="Sosialisasi Bulan Depan",
        sessions=[events.SessionData((utcnow() + timedelta(days=30)).date(), time(9), time(12))],
    )
    past = make_event(
        desk["org"],
        title="Sosialisasi Bulan Lalu",
        sessions=[events.SessionData((utcnow() - timedelta(days=30)).date(), time(9), time(12))],
    )
    login(desk["staff"])
    page = client.get("/kelola/presensi").get_data(as_text=True)
    assert page.index(desk["event"].title) < page.index(later.title) and past.title not in page
