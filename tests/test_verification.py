"""Proving a phone or e-mail with a one-time code: the code itself (short-lived, tried a few
times, asked for a few times an hour), and its three uses: 'Sertifikat saya', a KIM chair's
group registration, and an event whose registrations count only once the number is proven."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from eventapp.attendance import services as attendance
from eventapp.certificates import services as certificates
from eventapp.dbtypes import utcnow
from eventapp.extensions import db
from eventapp.outbox import catalogue
from eventapp.outbox.models import OutboxMessage
from eventapp.registration import services as registration
from eventapp.registration.models import Registration
from eventapp.verification import services
from tests.conftest import at_once, mail_text, post_form
from tests.factories import arrived, form_fields, registrant, system_actor, took_place
from tests.fake_whatsapp import CloudApi
from tests.test_certificates import _settings

PHONE = "+6281399990001"


def _code_sent_to(whatsapp, phone: str) -> str:
    texts = [m.text for m in whatsapp.messages() if m.to == phone and m.template == "kode_verifikasi"]
    assert texts, f"no code sent to {phone}"
    return re.search(r"\*(\d{6})\*", texts[-1]).group(1)


def _refusal(contact: str, typed: str, now, purpose: str = "sertifikat") -> str:
    with pytest.raises(services.CodeRefused) as refused:
        services.check_code(contact, purpose, typed, now)
    return refused.value.message


def _registrations() -> int:
    return db.session.scalar(select(func.count(Registration.id)))


# --- The code ----------------------------------------------------------------------------------


def test_a_code_reaches_whatsapp_and_opens_once(app, make_org, whatsapp):
    org, now = make_org(), utcnow()
    services.send_code(PHONE, "sertifikat", org.id, "melihat sertifikat", now)
    code = _code_sent_to(whatsapp, PHONE)
    assert "kode verifikasi Anda untuk melihat sertifikat" in whatsapp.messages()[-1].text
    wrong = "000000" if code != "000000" else "111111"
    assert _refusal(PHONE, wrong, now) == "Kode salah. Sisa 4 kali percobaan."
    services.check_code(PHONE, "sertifikat", f" {code[:3]} {code[3:]} ", now)  # as typed from the message
    assert _refusal(PHONE, code, now) == "Kode sudah tidak berlaku. Minta kode baru."


def test_a_code_is_short_lived_tried_five_times_and_asked_for_a_few_times_an_hour(app, make_org, whatsapp):
    org, now = make_org(), utcnow()
    services.send_code(PHONE, "sertifikat", org.id, "melihat sertifikat", now)
    first = _code_sent_to(whatsapp, PHONE)
    # Its message is not retried past the code's life.
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.give_up_at == now + timedelta(minutes=catalogue.CODE_MINUTES)
    assert _refusal(PHONE, first, now + timedelta(minutes=11)) == "Kode sudah tidak berlaku. Minta kode baru."
    with pytest.raises(services.CodeRefused, match="Tunggu satu menit"):
        services.send_code(PHONE, "sertifikat", org.id, "melihat sertifikat", now + timedelta(seconds=30))
    later = now + timedelta(minutes=2)
    services.send_code(PHONE, "sertifikat", org.id, "melihat sertifikat", later)
    second = _code_sent_to(whatsapp, PHONE)
    tried = 0
    if first != second:
        assert "Kode salah" in _refusal(PHONE, first, later)  # only the newest code counts
        tried = 1
    wrong = "000000" if second != "000000" else "111111"
    for _ in range(4 - tried):
        _refusal(PHONE, wrong, later)
    assert _refusal(PHONE, wrong, later).startswith("Kode salah, dan kode ini tidak dapat dicoba lagi")
    assert _refusal(PHONE, second, later) == "Terlalu banyak kode salah. Minta kode baru."
    for minute in (4, 6, 8):
        services.send_code(PHONE, "sertifikat", org.id, "melihat sertifikat", now + timedelta(minutes=minute))
    with pytest.raises(services.CodeRefused, match="satu jam lagi"):
        services.send_code(PHONE, "sertifikat", org.id, "melihat sertifikat", now + timedelta(minutes=10))
    services.send_code(PHONE, "sertifikat", org.id, "melihat sertifikat", now + timedelta(minutes=61))


def test_an_e_mail_address_gets_its_code_by_mail(app, make_org, mailbox):
    org, now = make_org(), utcnow()
    contact = services.normalize_contact(" Siti@Desa.ID ")
    services.send_code(contact, "sertifikat", org.id, "melihat sertifikat", now)
    assert [str(m["To"]) for m in mailbox] == ["siti@desa.id"]
    mailed = mail_text(mailbox[0])
    code = re.search(r"Kode verifikasi Anda untuk melihat sertifikat: (\d{6})", mailed).group(1)
    services.check_code(contact, "sertifikat", code, now)


def test_the_cloud_api_gets_the_code_as_metas_authentication_template(office, cloud: CloudApi):
    services.send_code(PHONE, "sertifikat", office["org"].id, "melihat sertifikat", utcnow())
    (request,) = cloud.messages
    body, button = request["template"]["components"]
    code = body["parameters"][0]["text"]
    assert re.fullmatch(r"\d{6}", code) and request["template"]["name"] == "kode_verifikasi"
    assert button == {
        "type": "button",
        "sub_type": "url",
        "index": "0",
        "parameters": [{"type": "text", "text": code}],
    }
    definition = next(d for d in catalogue.cloud_api_definitions() if d["name"] == "kode_verifikasi")
    assert definition["category"] == "AUTHENTICATION"
    assert {"type": "BUTTONS", "buttons": [{"type": "OTP", "otp_type": "COPY_CODE"}]} in definition[
        "components"
    ]


# --- Sertifikat saya ---------------------------------------------------------------------------


@pytest.fixture
def two_certificates(app, make_org, make_event):
    """The same phone attended events of two offices and holds a certificate from each; a
    second person attended the first."""
    people = {}
    offices = (make_org(), make_org("Diskominfo Kabupaten Seruyan", "Seruyan"))
    for n, org in enumerate(offices, start=1):
        event = make_event(org, title=f"Bimtek Literasi {n}", venue_capacity=None)
        now = utcnow()
        people[n] = registration.register(
            event, registrant(name="Siti Rahmah", phone=PHONE), now
        ).registration
        if n == 1:
            people["other"] = registration.register(
                event, registrant(name="Orang Lain", phone="081399990002"), now
            ).registration
        for held in [people[n]] + ([people["other"]] if n == 1 else []):
            attendance.check_in(system_actor(), event, event.sessions[0], held, arrived(event.sessions[0]))
        _settings(app, event, event_code=f"BIMTEK-{n}")
        took_place(event)
        certificates.issue_all(system_actor(), event, utcnow())
    return people


def test_a_participant_proves_the_number_and_sees_every_certificate(client, two_certificates, whatsapp):
    assert client.get("/sertifikat/saya").headers["Location"].endswith("/sertifikat")
    whatsapp.clear()
    asked = post_form(
        client, "/sertifikat/kode", {"contact_to_verify": "0813-9999-0001"}, form_url="/sertifikat"
    )
    assert "08•• •••• 0001" in asked.get_data(as_text=True)
    code = _code_sent_to(whatsapp, PHONE)
    wrong = post_form(
        client,
        "/sertifikat/kode",
        {"contact_to_verify": "0813-9999-0001", "verification_code": "12345x"},
        form_url="/sertifikat",
    ).get_data(as_text=True)
    assert "Kode salah" in wrong and 'value="0813-9999-0001"' in wrong
    opened = post_form(
        client,
        "/sertifikat/kode",
        {"contact_to_verify": "0813-9999-0001", "verification_code": code},
        form_url="/sertifikat",
    )
    page = client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "Bimtek Literasi 1" in page and "Bimtek Literasi 2" in page
    for n in (1, 2):
        assert f"/p/{two_certificates[n].token}/sertifikat.pdf" in page
    assert two_certificates["other"].token not in page and "Orang Lain" not in page
    post_form(client, "/sertifikat/keluar", {}, form_url="/sertifikat/saya")
    assert client.get("/sertifikat/saya").status_code == 302


def test_a_number_that_never_registered_gets_the_same_page_and_no_message(client, two_certificates, whatsapp):
    whatsapp.clear()
    page = post_form(
        client, "/sertifikat/kode", {"contact_to_verify": "0813-5555-0009"}, form_url="/sertifikat"
    )
    assert "Masukkan kode verifikasi" in page.get_data(as_text=True)
    assert whatsapp.messages() == []
    bad = post_form(client, "/sertifikat/kode", {"contact_to_verify": "12"}, form_url="/sertifikat")
    assert "Nomor HP" in bad.get_data(as_text=True) and 'value="12"' in bad.get_data(as_text=True)


# --- A KIM chair -------------------------------------------------------------------------------


def test_a_kim_chair_proves_the_phone_on_file_instead_of_the_chair_code(
    client, make_org, make_event, make_kim, whatsapp
):
    org = make_org()
    kim = make_kim(org, members=3, chair=True)
    chair = kim.members[0]
    event = make_event(org)
    url = f"/acara/{event.slug}/daftar-kelompok"
    facts = {"registration_number": kim.registration_number, "phone": chair.phone.replace("+62", "0")}
    missing = post_form(client, url, facts).get_data(as_text=True)
    assert "Isi kode ketua, atau minta kode verifikasi" in missing
    whatsapp.clear()
    asked = post_form(client, url, {**facts, "send_code": "1"}).get_data(as_text=True)
    assert "Masukkan kode verifikasi" in asked and kim.members[1].name not in asked
    code = _code_sent_to(whatsapp, chair.phone)
    members = post_form(client, url, {**facts, "send_code": "1", "verification_code": code}).get_data(
        as_text=True
    )
    assert kim.members[1].name in members
    done = post_form(
        client,
        url,
        {**facts, "chair_code": "", "members": [str(m.id) for m in kim.members], "consent": "y"}
        | {"register_members": "1"},
    )
    assert done.status_code == 200 and _registrations() == 3
    # Someone else's phone: no code is sent to a number that is not the chair's.
    whatsapp.clear()
    stranger = post_form(client, url, {**facts, "phone": "0813-5555-0009", "send_code": "1"}).get_data(
        as_text=True
    )
    assert "tidak cocok" in stranger and whatsapp.messages() == []


# --- An event that verifies numbers ------------------------------------------------------------


def _person() -> dict:
    return form_fields("Warga Terverifikasi", "0813-9999-0001")


def test_an_event_counts_a_registration_only_once_the_number_is_proven(
    client, make_org, make_event, whatsapp
):
    event = make_event(make_org(), verify_contact=True)
    url = f"/acara/{event.slug}/daftar"
    whatsapp.clear()
    asked = post_form(client, url, _person()).get_data(as_text=True)
    assert "Masukkan kode verifikasi" in asked and 'value="Warga Terverifikasi"' in asked
    assert _registrations() == 0 and whatsapp.to(PHONE) == ["kode_verifikasi"]
    code = _code_sent_to(whatsapp, PHONE)
    wrong = post_form(client, url, {**_person(), "verification_code": "99999"}).get_data(as_text=True)
    assert "Kode salah" in wrong and _registrations() == 0
    again = post_form(client, url, {**_person(), "verification_code": "", "resend": "1"}).get_data(
        as_text=True
    )
    assert "Tunggu satu menit" in again and whatsapp.to(PHONE) == ["kode_verifikasi"]
    edit = post_form(client, url, {**_person(), "edit": "1"}).get_data(as_text=True)
    assert 'value="Warga Terverifikasi"' in edit and "Masukkan kode verifikasi" not in edit
    done = post_form(client, url, {**_person(), "verification_code": code})
    assert done.status_code == 302 and "/p/" in done.headers["Location"]
    assert _registrations() == 1 and whatsapp.to(PHONE) == ["kode_verifikasi", "pendaftaran_diterima"]
    # Proving a number to register does not open that number's certificates on this phone.
    assert client.get("/sertifikat/saya").status_code == 302


def test_a_blank_phone_with_an_e_mail_proves_the_e_mail(client, make_org, make_event, mailbox):
    event = make_event(make_org(), verify_contact=True)
    page = post_form(
        client, f"/acara/{event.slug}/daftar", {**_person(), "phone": " ", "email": "siti@desa.id"}
    )
    assert page.status_code == 200 and "s•••@desa.id" in page.get_data(as_text=True)
    assert [str(m["To"]) for m in mailbox] == ["siti@desa.id"]


def test_an_event_without_verification_registers_at_once(client, make_org, make_event, whatsapp):
    event = make_event(make_org())
    done = post_form(client, f"/acara/{event.slug}/daftar", _person())
    assert done.status_code == 302 and _registrations() == 1


def test_a_code_sent_to_register_does_not_open_the_certificates(app, make_org, whatsapp):
    org, now = make_org(), utcnow()
    services.send_code(PHONE, "pendaftaran", org.id, "pendaftaran Webinar", now)
    code = _code_sent_to(whatsapp, PHONE)
    assert _refusal(PHONE, code, now) == "Kode sudah tidak berlaku. Minta kode baru."
    services.check_code(PHONE, "pendaftaran", code, now)


@pytest.mark.concurrency
def test_codes_asked_for_at_once_make_one_message(app, make_org, whatsapp):
    """Twenty requests for the same number at the same moment: one code, one message."""
    org_id, now = make_org().id, utcnow()

    def ask() -> None:
        services.send_code(PHONE, "sertifikat", org_id, "melihat sertifikat", now)

    refused = at_once(app, [ask] * 20)
    assert len(refused) == 19 and all(isinstance(error, services.CodeRefused) for error in refused)
    assert whatsapp.to(PHONE) == ["kode_verifikasi"]
