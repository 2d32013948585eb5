"""Registration: the public form, duplicates, seats and the waiting list, cancelling and
promotion, closed registration, groups, invitations, and the organizers' lists."""

import csv
import io
import re
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from eventapp.dbtypes import utcnow
from eventapp.events import services as event_services
from eventapp.extensions import db as _db
from eventapp.registration import lists, services
from eventapp.registration.models import Registration
from eventapp.registration.views import door_qr
from tests.conftest import at_once, mail_text, post_form, region
from tests.factories import registrant, system_actor


@pytest.fixture
def kotim(make_org, make_user):
    org = make_org()
    return {"org": org, "user": make_user(org)}


def _form(**overrides):
    values = {
        "name": "Siti Rahmah",
        "phone": "0812-5100-0001",
        "email": "",
        "gender": "P",
        "occupation": "pedagang",
        "kabupaten": "",
        "kim_id": "-1",
        "institution": "Kantor Desa Camba",
        "position": "Sekretaris desa",
        "attendance_mode": "luring",
        "consent": "y",
    }
    values.update(overrides)
    return values


def _register(client, event, **overrides):
    return post_form(client, f"/acara/{event.slug}/daftar", _form(**overrides))


def test_registering_from_the_form_gives_a_code_qr_and_own_page(client, make_event, kotim):
    event = _event = make_event(kotim["org"])
    response = _register(client, event)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Pendaftaran berhasil" in page and "Terdaftar" in page
    code = re.search(r'id="registration-code">([A-Z0-9-]+)<', page).group(1)
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{4}", code)
    # A full QR code (version 1 is 21 modules plus a 4-module quiet zone on each side), not a
    # Micro QR, which phone scanners and the BarcodeDetector API do not read.
    assert '<svg viewBox="0 0 29 29"' in page
    assert "https://wa.me/6281251000001?text=" in page  # send to my own WhatsApp
    assert _event.title in page


def test_the_door_qr_reads_back_as_the_registration_code():
    """The participant's QR, whatever the code, is read by a camera's decoder (ZXing) at the size
    of a phone screen held up at the door: its fixed mask costs nothing in reading."""
    for _ in range(300):
        code = services.new_code()
        image = io.BytesIO()
        door_qr(code).save(image, kind="png", scale=6, border=4)
        image.seek(0)
        found = zxingcpp.read_barcodes(Image.open(image), formats=zxingcpp.BarcodeFormat.QRCode)
        assert [result.text for result in found] == [code]


def test_online_link_only_for_confirmed_online_participants(client, make_event, kotim):
    event = make_event(
        kotim["org"],
        kind="webinar",
        mode="daring",
        venue_name="",
        online_capacity=1,
        online_url="https://zoom.us/j/999",
        online_passcode="RAHASIA",
    )
    first = client.get(_register(client, event).headers["Location"]).get_data(as_text=True)
    assert "https://zoom.us/j/999" in first and "RAHASIA" in first
    second = client.get(_register(client, event, phone="0812-5100-0002", name="Kedua").headers["Location"])
    text = second.get_data(as_text=True)
    assert "Daftar tunggu" in text and "urutan ke-1" in text
    assert "https://zoom.us/j/999" not in text and "RAHASIA" not in text


def test_at_a_hybrid_event_the_hall_gets_no_meeting_link(client, make_event, kotim, mailbox):
    event = make_event(
        kotim["org"],
        mode="hibrida",
        online_capacity=50,
        online_url="https://zoom.us/j/777",
        online_passcode="RHS",
    )
    hall = _register(client, event, attendance_mode="luring", email="aula@example.org", notify_by="email")
    page = client.get(hall.headers["Location"]).get_data(as_text=True)
    assert "Aula Kecamatan Kota Besi" in page and "zoom.us/j/777" not in page and "RHS" not in page
    assert "zoom.us/j/777" not in mail_text(mailbox[-1])
    online = _register(client, event, attendance_mode="daring", phone="0812-5100-0003", name="Daring")
    assert "zoom.us/j/777" in client.get(online.headers["Location"]).get_data(as_text=True)


def test_a_registered_phone_or_email_never_opens_that_registration(client, db, make_event, kotim, mailbox):
    event = make_event(kotim["org"])
    first = (
        _register(client, event, email="siti@example.org", notify_by="email")
        .headers["Location"]
        .split("?")[0]
    )
    owner = db.session.scalar(select(Registration))
    mailbox.clear()
    for typed in ({"phone": "+62 812 5100 0001", "email": ""}, {"phone": "", "email": "SITI@example.org"}):
        again = _register(client, event, name="Orang Lain", **typed)
        page = again.get_data(as_text=True)
        assert again.status_code == 200 and "Location" not in again.headers
        assert "Nomor/e-mail ini sudah terdaftar untuk acara ini" in page
        assert "kirim ulang ke s•••@example.org" in page
        assert owner.token not in page and owner.code not in page and "Siti Rahmah" not in page
        assert "berhasil" not in page
    assert [str(m["To"]) for m in mailbox] == ["siti@example.org"] * 2
    assert first in mail_text(mailbox[0])
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_a_registered_phone_gets_its_link_again_on_whatsapp_and_the_page_shows_it_masked(
    client, db, make_event, kotim, whatsapp
):
    event = make_event(kotim["org"])
    _register(client, event)
    page = _register(client, event, name="Orang Lain").get_data(as_text=True)
    assert "kirim ulang ke 08•• •••• 0001" in page
    owner = db.session.scalar(select(Registration))
    assert whatsapp.to("+6281251000001") == ["pendaftaran_diterima", "tautan_pendaftaran"]
    assert owner.token in whatsapp.messages()[-1].text and owner.token not in page
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_form_errors_are_in_indonesian_next_to_the_field_and_keep_input(client, make_event, kotim):
    event = make_event(kotim["org"])
    page = _register(client, event, phone="0812-12", consent="").get_data(as_text=True)
    assert 'id="phone-error" class="field-error">Nomor HP tidak valid' in page
    assert 'value="Siti Rahmah"' in page and 'value="0812-12"' in page and 'value="Kantor Desa Camba"' in page
    page = _register(client, event, consent="").get_data(as_text=True)
    assert "Persetujuan penggunaan data pribadi diperlukan untuk mendaftar." in page
    page = _register(client, event, phone="", email="", notify_by="email").get_data(as_text=True)
    assert "Isi nomor WhatsApp atau e-mail" in page


def test_kim_members_pick_their_kim_without_javascript(client, db, make_event, make_kim, kotim):
    kim = make_kim(kotim["org"], name="KIM Camba Sejahtera")
    event = make_event(kotim["org"], audience="kim", region_id=region("Kotawaringin Timur").id)
    page = client.get(f"/acara/{event.slug}/daftar").get_data(as_text=True)
    assert ">KIM Camba Sejahtera</option>" in page  # the event's kabupaten is pre-chosen
    response = _register(client, event, kim_id=str(kim.id), institution="")
    assert response.status_code == 302
    saved = db.session.scalar(select(Registration))
    assert saved.kim_id == kim.id and saved.region_id == region("Kotawaringin Timur").id
    page = _register(client, event, kim_id="-1", phone="0812-5100-0009", institution="Dinas").get_data(
        as_text=True
    )
    assert "Acara ini untuk anggota KIM: pilih KIM Anda." in page


def test_full_event_waitlists_and_a_cancel_promotes_the_next_person(client, db, make_event, kotim, mailbox):
    event = make_event(kotim["org"], venue_capacity=1)
    first = client.get(
        _register(client, event, email="siti@example.org", notify_by="email").headers["Location"]
    )
    assert "Terdaftar" in first.get_data(as_text=True)
    second_url = _register(
        client, event, phone="0812-5100-0002", email="budi@example.org", notify_by="email", name="Budi"
    ).headers["Location"]
    assert "urutan ke-1" in client.get(second_url).get_data(as_text=True)
    assert [m["Subject"] for m in mailbox] == [
        f"Pendaftaran diterima: {event.title}",
        f"Daftar tunggu: {event.title}",
    ]
    mailbox.clear()

    token = first.request.path.rsplit("/", 1)[1]
    confirm = client.get(f"/p/{token}/batal").get_data(as_text=True)
    assert "Batalkan pendaftaran?" in confirm
    post_form(client, f"/p/{token}/batal", {}, form_url=f"/p/{token}/batal")
    assert "Dibatalkan" in client.get(f"/p/{token}").get_data(as_text=True)
    promoted = client.get(second_url.split("?")[0]).get_data(as_text=True)
    assert "Terdaftar" in promoted and "urutan" not in promoted
    subjects = {m["To"]: m["Subject"] for m in mailbox}
    assert subjects == {
        "siti@example.org": f"Pendaftaran dibatalkan: {event.title}",
        "budi@example.org": f"Anda mendapat tempat: {event.title}",
    }


def test_confirmation_mail_carries_code_schedule_and_own_page(client, make_event, kotim, mailbox):
    event = make_event(kotim["org"])
    _register(client, event, email="siti@example.org", notify_by="email")
    body = mail_text(mailbox[0])
    saved = _db.session.scalar(select(Registration))
    assert saved.code in body and "09.00–12.00 WIB" in body
    assert f"http://eventapp.test/p/{saved.token}" in body
    assert "Status: Terdaftar" in body  # a sentence, not shouted


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"publish": False}, None),  # a draft is not found at all
        ({"registration_opens_at": "future"}, "Pendaftaran belum dibuka."),
        ({"registration_closes_at": "past"}, "Pendaftaran sudah ditutup."),
        ({"audience": "undangan"}, "Acara ini khusus undangan."),
    ],
)
def test_closed_registration_gets_a_clear_page(client, make_event, kotim, overrides, message):
    now = utcnow()
    if overrides.get("registration_opens_at") == "future":
        overrides["registration_opens_at"] = now + timedelta(days=1)
    if overrides.get("registration_closes_at") == "past":
        overrides["registration_opens_at"] = now - timedelta(days=2)
        overrides["registration_closes_at"] = now - timedelta(days=1)
    event = make_event(kotim["org"], **overrides)
    response = _register(client, event) if message is None else client.get(f"/acara/{event.slug}/daftar")
    if message is None:
        assert response.status_code == 404
        return
    assert response.status_code == 403
    assert message in response.get_data(as_text=True)


def test_cancelled_event_refuses_registration(client, make_event, kotim):
    event = make_event(kotim["org"])
    event_services.cancel_event(system_actor(), event, "Cuaca buruk", utcnow())
    page = client.get(f"/acara/{event.slug}/daftar")
    assert page.status_code == 403 and "Acara ini dibatalkan." in page.get_data(as_text=True)


def test_kim_chair_registers_members_at_once(client, db, make_event, make_kim, kotim):
    from eventapp.kim import services as kim_services

    kim = make_kim(kotim["org"], members=3, chair=True)
    chair = kim.members[0]
    no_contact = kim_services.add_member(
        system_actor(), kim, kim_services.MemberData(name="Tanpa Kontak", gender="L"), utcnow()
    )
    event = make_event(kotim["org"])
    url = f"/acara/{event.slug}/daftar-kelompok"
    wrong = post_form(
        client,
        url,
        {
            "registration_number": kim.registration_number,
            "phone": "0812-0000-0000",
            "chair_code": kim.chair_code,
        },
    )
    assert "tidak cocok" in wrong.get_data(as_text=True)
    step2 = post_form(
        client,
        url,
        {
            "registration_number": kim.registration_number,
            "phone": chair.phone.replace("+62", "0"),
            "chair_code": kim.chair_code.lower(),
        },
    ).get_data(as_text=True)
    assert kim.name in step2 and "Tanpa Kontak" in step2
    ids = [str(m.id) for m in kim.members]
    result = post_form(
        client,
        url,
        {
            "registration_number": kim.registration_number,
            "phone": chair.phone,
            "chair_code": kim.chair_code,
            "members": ids,
            "consent": "y",
            "register_members": "1",
        },
    ).get_data(as_text=True)
    assert result.count("/p/") >= 3
    assert "Tanpa Kontak: tidak ada nomor HP atau e-mail di data KIM" in result
    assert db.session.scalar(select(func.count(Registration.id))) == 3
    assert no_contact.id not in set(db.session.scalars(select(Registration.kim_id)))


def test_the_chair_sees_who_is_registered_and_chooses_the_mode_of_each_member(
    client, db, make_event, make_kim, kotim
):
    kim = make_kim(kotim["org"], members=3, chair=True)
    chair, second, third = kim.members
    event = make_event(
        kotim["org"], mode="hibrida", venue_capacity=1, online_capacity=100, online_url="https://zoom.us/j/1"
    )
    hall = registrant(name=third.name, phone=third.phone, attendance_mode="luring")
    services.register(event, hall, utcnow())  # takes the one hall seat
    url = f"/acara/{event.slug}/daftar-kelompok"
    chair_facts = {
        "registration_number": kim.registration_number,
        "phone": chair.phone,
        "chair_code": kim.chair_code,
    }
    page = post_form(client, url, chair_facts).get_data(as_text=True)
    # The full hall is not what the form starts with; the registered member cannot be ticked again.
    assert "Luring: penuh" in page
    assert '<option value="daring" selected>' in page and '<option value="luring" selected>' not in page
    assert f'<input type="checkbox" name="members" value="{third.id}" disabled>' in page
    assert "sudah terdaftar · Terdaftar" in page
    assert f'name="members" value="{chair.id}" checked>' in page
    result = post_form(
        client,
        url,
        {
            **chair_facts,
            "members": [str(chair.id), str(second.id), str(third.id)],
            f"mode-{chair.id}": "daring",
            f"mode-{second.id}": "luring",
            "consent": "y",
            "register_members": "1",
        },
    ).get_data(as_text=True)
    assert "Hasil pendaftaran" in result
    modes = dict(db.session.execute(select(Registration.name, Registration.attendance_mode)).all())
    statuses = dict(db.session.execute(select(Registration.name, Registration.status)).all())
    assert modes == {chair.name: "daring", second.name: "luring", third.name: "luring"}
    assert statuses[second.name] == "waitlisted" and statuses[chair.name] == "confirmed"
    assert db.session.scalar(select(func.count(Registration.id))) == 3  # the registered member once


def test_invitation_only_event_registers_through_the_personal_link(
    client, login, db, make_event, make_kim, kotim
):
    kim = make_kim(kotim["org"], members=2)
    event = make_event(kotim["org"], kind="rakor", audience="undangan")
    login(kotim["user"])
    post_form(client, f"/kelola/acara/{event.id}/undangan", {"kim-kim_ids": [str(kim.id)]})
    page = client.get(f"/kelola/acara/{event.id}/undangan").get_data(as_text=True)
    links = re.findall(r"http://localhost(/undangan/[\w-]+)", page)
    assert len(links) == 2 and "belum menjawab" in page
    client.post(
        "/kelola/keluar", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)}
    )
    form = client.get(links[0]).get_data(as_text=True)
    member = kim.members[0]
    assert f'value="{member.name}"' in form
    response = post_form(client, links[0], _form(name=member.name, phone=member.phone, kim_id=str(kim.id)))
    assert response.status_code == 302
    assert (
        client.get(links[0]).headers["Location"].startswith("/p/")
    )  # the link now leads to the registration
    assert client.get(f"/acara/{event.slug}/daftar").status_code == 403


# --- Organizers -------------------------------------------------------------------------------


def test_organizer_lists_filters_and_exports_registrants(client, login, make_event, make_kim, kotim):
    event = make_event(kotim["org"], venue_capacity=2)
    now = utcnow()
    for n in range(3):
        services.register(event, registrant(name=f"Peserta {n}", phone=f"08137777000{n}"), now)
    login(kotim["user"])
    page = client.get(f"/kelola/acara/{event.id}/peserta").get_data(as_text=True)
    assert "Terdaftar (2)" in page and "Daftar tunggu (1)" in page and "Peserta 2" in page
    waiting = client.get(f"/kelola/acara/{event.id}/peserta?status=waitlisted").get_data(as_text=True)
    assert "Peserta 2" in waiting and "Peserta 0" not in waiting
    assert "Peserta 1" in client.get(f"/kelola/acara/{event.id}/peserta?q=peserta+1").get_data(as_text=True)
    body = client.get(f"/kelola/acara/{event.id}/peserta/ekspor.csv").get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == lists.EXPORT_COLUMNS and len(rows) == 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (
        first["status"] == "Terdaftar" and first["moda"] == "Luring" and first["jenis_kelamin"] == "Perempuan"
    )
    assert first["no_hp"].startswith("0813-") and first["sumber"] == "Formulir daring"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d\.\d\d WIB", first["waktu_daftar"])
    assert client.get(f"/kelola/acara/{event.id}/peserta/ekspor.xlsx").status_code == 200


def test_registrant_list_costs_the_same_queries_for_few_or_many(
    client, login, db, count_queries, make_event, make_kim, kotim
):
    event = make_event(kotim["org"], venue_capacity=None)
    kims = [make_kim(kotim["org"]) for _ in range(3)]
    login(kotim["user"])
    now = utcnow()
    services.register(event, registrant(phone="081377770100", kim_id=kims[0].id), now)
    with count_queries() as few:
        client.get(f"/kelola/acara/{event.id}/peserta")
    for n in range(60):
        services.register(event, registrant(phone=f"0813777702{n:02d}", kim_id=kims[n % 3].id), now)
    with count_queries() as many:
        page = client.get(f"/kelola/acara/{event.id}/peserta").get_data(as_text=True)
    assert "Halaman 1 dari 2" in page
    assert len(many) == len(few)


def test_organizer_adds_confirms_and_cancels_by_hand(client, login, db, make_event, kotim, mailbox):
    event = make_event(kotim["org"], venue_capacity=1)
    login(kotim["user"])
    post_form(
        client, f"/kelola/acara/{event.id}/peserta/baru", _form(email="a@example.org", notify_by="email")
    )
    post_form(client, f"/kelola/acara/{event.id}/peserta/baru", _form(phone="0812-5100-0002", name="Budi"))
    first, second = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    assert first.source == "manual"
    post_form(
        client,
        f"/kelola/acara/{event.id}/peserta/{second.id}/status",
        {"status": "confirmed"},
        form_url=f"/kelola/acara/{event.id}/peserta",
    )
    db.session.refresh(second)
    assert second.status == "confirmed"  # organizers may go beyond capacity
    mailbox.clear()
    response = post_form(
        client,
        f"/kelola/acara/{event.id}/peserta/{first.id}/kirim-ulang",
        {},
        form_url=f"/kelola/acara/{event.id}/peserta",
    )
    assert response.status_code == 302 and [m["To"] for m in mailbox] == ["a@example.org"]


def test_recap_counts_by_region_kim_gender_and_occupation(client, login, make_event, make_kim, kotim):
    event = make_event(kotim["org"], venue_capacity=None)
    kim = make_kim(kotim["org"], name="KIM Camba")
    now = utcnow()
    services.register(
        event, registrant(phone="081377770001", kim_id=kim.id, gender="L", occupation="petani"), now
    )
    services.register(
        event, registrant(phone="081377770002", kim_id=kim.id, gender="P", occupation="petani"), now
    )
    login(kotim["user"])
    page = client.get(f"/kelola/acara/{event.id}/rekap").get_data(as_text=True)
    assert "2 pendaftar" in page and "KIM Camba" in page and "Kabupaten Kotawaringin Timur" in page
    assert "Petani" in page and "Laki-laki" in page and "Perempuan" in page


def test_raising_capacity_moves_people_up_from_the_waiting_list(db, make_event, kotim):
    event = make_event(kotim["org"], venue_capacity=1)
    now = utcnow()
    services.register(event, registrant(phone="081377770001"), now)
    waiting = services.register(event, registrant(phone="081377770002"), now).registration
    event_services.update_event(
        system_actor(), event, event_services.EventData.from_event(event, venue_capacity=2), now
    )
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"


# --- Concurrency ------------------------------------------------------------------------------


@pytest.mark.concurrency
def test_no_overbooking_under_200_concurrent_registrations(app, db, make_event, kotim):
    """200 threads register at once for 50 seats: exactly 50 get a seat, 150 wait, in order.
    PostgreSQL decides under a row lock; SQLite by making each registration the single writer."""
    event = make_event(kotim["org"], venue_capacity=50)
    event_id = event.id

    def person(n: int):
        def register() -> None:
            target = _db.session.get(type(event), event_id)
            services.register(target, registrant(phone=f"081388{n:06d}", name=f"Peserta {n}"), utcnow())

        return register

    assert at_once(app, [person(n) for n in range(200)]) == []
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
    assert sum(r.status == "confirmed" for r in rows) == 50
    waiting = sorted((r for r in rows if r.status == "waitlisted"), key=lambda r: r.queue_number)
    assert len(waiting) == 150
    assert [services.waitlist_position(r) for r in waiting] == list(range(1, 151))
    # The first 50 places in the queue hold the seats; the queue has no gaps or repeats.
    assert sorted(r.queue_number for r in rows if r.status == "confirmed") == list(range(1, 51))
    assert [r.queue_number for r in waiting] == list(range(51, 201))


def test_the_seat_counts_on_the_event_row_always_equal_the_registrations(db, make_event, make_kim, kotim):
    """The counts a registration reads under the lock follow every change: registering,
    waiting, cancelling with promotion, organizer status changes, a mode corrected, spam,
    a chair's group and a cancelled person coming back."""
    from eventapp.registration import counts

    event = make_event(
        kotim["org"], mode="hibrida", venue_capacity=2, online_capacity=None, online_url="https://zoom.us/j/1"
    )
    actor, now = system_actor(), utcnow()
    changed_at = event.updated_at

    def check() -> None:
        db.session.expire_all()
        rows = db.session.execute(
            select(Registration.status, Registration.attendance_mode, func.count())
            .where(Registration.event_id == event.id, Registration.status != "cancelled")
            .group_by(Registration.status, Registration.attendance_mode)
        ).all()
        expected = dict.fromkeys(counts.COLUMNS, 0) | {(status, mode): n for status, mode, n in rows}
        assert counts.counts(event) == expected
        last = db.session.scalar(
            select(func.max(Registration.queue_number)).where(Registration.event_id == event.id)
        )
        row = db.session.get(type(event), event.id)
        # Registrations move the counts; they are not a change to the event.
        assert row.queue_last == last and row.updated_at == changed_at

    people = [
        services.register(event, registrant(phone=f"08137000{n:04d}", attendance_mode=mode), now).registration
        for n, mode in enumerate(["luring"] * 4 + ["daring"] * 2)
    ]
    check()
    services.cancel(people[0], now)  # the first waiting person in the hall is promoted
    check()
    services.set_status(actor, people[1], "waitlisted", now)
    check()
    services.set_status(actor, people[3], "confirmed", now)
    check()
    services.correct_registrant(actor, people[2], _typed_again(people[2], attendance_mode="daring"), now)
    check()
    services.cancel_as_spam(actor, event, [people[5].id], now)
    check()
    kim = make_kim(kotim["org"], members=3, chair=True)
    services.register_group(event, kim, {m.id: "daring" for m in kim.members}, now)
    check()
    services.register(event, registrant(phone="081370000000", attendance_mode="luring"), now)  # back again
    check()


def _typed_again(registration, **changes) -> services.RegistrantData:
    """A registrant's details as an organizer's correction form sends them, with `changes`."""
    typed = {
        "name": registration.name,
        "phone": registration.phone or "",
        "institution": registration.institution,
    }
    return registrant(**typed | {"attendance_mode": registration.attendance_mode} | changes)


def test_every_error_of_the_form_comes_in_one_round_trip(client, db, make_event, kotim):
    event = make_event(kotim["org"])
    spoilt = {"phone": "abc", "email": "budi@@bukan", "gender": "", "occupation": "", "institution": ""}
    page = _register(client, event, **spoilt, consent="").get_data(as_text=True)
    for message in (
        "Nomor HP tidak dikenali",
        "Alamat e-mail tidak valid.",
        "Pilih jenis kelamin.",
        "Pilih pekerjaan.",
        "Isi instansi atau lembaga asal Anda.",
        "Persetujuan penggunaan data pribadi diperlukan",
    ):
        assert message in page, message
    assert "Pilihan tidak tersedia" not in page and 'aria-describedby="None"' not in page
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_required_choices_are_marked_and_nothing_is_chosen_for_the_person(client, make_event, kotim):
    page = client.get(f"/acara/{make_event(kotim['org']).slug}/daftar").get_data(as_text=True)
    assert re.search(r"<legend>Jenis kelamin <span aria-hidden=\"true\">\*</span></legend>", page)
    assert re.search(r'<label for="occupation">Pekerjaan <span aria-hidden="true">\*</span>', page)
    assert re.search(r'<option selected value="">— pilih —</option>', page)


def test_no_page_promises_a_message_that_cannot_be_sent(client, make_event, kotim):
    """Messages go by e-mail only (WhatsApp is not a channel yet): a phone-only person on the
    waiting list is not told they will be notified."""
    event = make_event(kotim["org"], venue_capacity=1)
    _register(client, event)
    waiting = _register(client, event, name="Budi", phone="0812-5100-0002")
    page = client.get(waiting.headers["Location"]).get_data(as_text=True)
    assert "daftar tunggu" in page and "kabari" not in page and "diberi tahu" not in page
    with_mail = _register(
        client, event, name="Ani", phone="0812-5100-0003", email="ani@example.org", notify_by="email"
    )
    assert "kami kabari lewat e-mail" in client.get(with_mail.headers["Location"]).get_data(as_text=True)
    form = client.get(f"/acara/{event.slug}/daftar").get_data(as_text=True)
    assert "konfirmasi lewat WhatsApp" not in form.lower()


def test_invitation_only_events_stay_private_and_invitees_can_answer_izin(
    client, login, db, make_event, make_kim, kotim
):
    kim = make_kim(kotim["org"], members=3, chair=True)
    event = make_event(kotim["org"], kind="rakor", audience="undangan")
    public = client.get(f"/acara/{event.slug}").get_data(as_text=True)
    assert "Bagikan ke WhatsApp" not in public and "Daftar sekarang" not in public
    assert "khusus undangan" in public
    login(kotim["user"])
    invitations_url = f"/kelola/acara/{event.id}/undangan"
    assert re.search(
        r'<input checked id="kim-chairs_only"', client.get(invitations_url).get_data(as_text=True)
    )
    post_form(client, invitations_url, {"kim-kim_ids": [str(kim.id)], "kim-chairs_only": "y"})
    page = client.get(invitations_url).get_data(as_text=True)
    links = re.findall(r"http://localhost(/undangan/[\w-]+)", page)
    assert len(links) == 1 and kim.members[0].name in page and kim.members[1].name not in page
    # The invited KIM is ticked and says how many of its members hold an invitation.
    assert re.search(rf'<input checked [^>]*value="{kim.id}"', page) and f"{kim.name} — 1 diundang" in page
    post_form(client, "/kelola/keluar", {}, form_url="/kelola/akun")

    invitation_page = client.get(links[0]).get_data(as_text=True)
    assert "Tidak dapat hadir?" in invitation_page
    empty = post_form(client, links[0], {"excuse": ""}).get_data(as_text=True)
    assert 'id="excuse-error" class="field-error">Wajib diisi.' in empty
    assert 'id="name-error"' not in empty  # the registration form was not judged
    response = post_form(client, links[0], {"excuse": "Bertugas di posyandu"})
    answered = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "jawaban izin Anda sudah diterima" in answered and "Bertugas di posyandu" in answered
    login(kotim["user"])
    page = client.get(invitations_url).get_data(as_text=True)
    assert "Izin" in page and "Bertugas di posyandu" in page


def test_a_chairs_group_registration_is_one_commit_with_everyones_messages(
    db, make_event, make_kim, kotim, mailbox, whatsapp, count_commits
):
    kim = make_kim(kotim["org"], members=4, chair=True)
    event = make_event(kotim["org"])
    for member in kim.members:
        member.email = f"anggota{member.id}@example.org"
    db.session.commit()
    with count_commits() as commits:
        result = services.register_group(event, kim, {m.id: "luring" for m in kim.members}, utcnow())
    assert len(commits) == 1 and len(result.registered) == 4
    # Members with a phone are told on WhatsApp, the default channel; none of them by e-mail.
    assert sorted(m.to for m in whatsapp.messages()) == sorted(m.phone for m in kim.members)
    assert mailbox == []


def test_exports_stream_and_take_the_same_statements_for_few_or_many(
    client, db, login, make_event, kotim, monkeypatch
):
    """The registrants export is read a chunk at a time and sent as it is written; the number
    of SQL statements does not grow with the registrations (nor does the calendar feed's)."""
    from sqlalchemy import event as sa_event

    from eventapp.registration import lists

    monkeypatch.setattr(lists, "EXPORT_CHUNK", 5)  # several chunks with a few registrations
    event = make_event(kotim["org"], venue_capacity=None)
    login(kotim["user"])
    seen: list[str] = []

    def statements(url: str) -> int:
        seen.clear()
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            response = client.get(url)
            assert response.status_code == 200
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    def add(start: int, count: int) -> None:
        for n in range(start, start + count):
            services.register(event, registrant(phone=f"0813{n:08d}", name=f"Peserta {n}"), utcnow())

    urls = [f"/kelola/acara/{event.id}/peserta/ekspor.{fmt}" for fmt in ("csv", "xlsx")] + ["/kalender.ics"]
    add(0, 3)
    few = [statements(url) for url in urls]
    add(3, 2 * lists.EXPORT_CHUNK // 100)
    assert [statements(url) for url in urls] == few
    csv_response = client.get(urls[0])
    assert (
        csv_response.is_streamed
        and csv_response.get_data().count(b"\n") == 3 + 2 * lists.EXPORT_CHUNK // 100 + 1
    )
