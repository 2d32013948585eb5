"""WhatsApp as a channel: each participant is told on the channels they have and chose, through
the office's provider (a local server speaking Meta's Cloud API contract, or a gateway), and
what the provider reports back reaches the organizer."""

import base64
import re
import secrets
import threading
import time as clock
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from eventapp.calendar.services import send_due_reminders
from eventapp.dbtypes import utcnow
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.outbox import jobs, whatsapp
from eventapp.outbox import services as outbox
from eventapp.outbox.models import Channel, OutboxMessage, OutboxStatus, WhatsAppAccount
from eventapp.outbox.views import opt_out_url
from eventapp.registration import invitations
from eventapp.registration import services as registration
from eventapp.registration.models import Registration
from tests.conftest import WHATSAPP_APP_SECRET as APP_SECRET
from tests.conftest import mail_text, post_form
from tests.factories import registrant, system_actor
from tests.fake_whatsapp import CloudApi, Gateway, sign, status_webhook, text_webhook
from tests.test_registration import _register

PHONE_ONLY, EMAIL_ONLY, BOTH = "+6281351000001", "email@example.org", "+6281351000003"


def _whatsapp(phone: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == Channel.WHATSAPP, OutboxMessage.recipient == phone)
            .order_by(OutboxMessage.id)
        )
    )


def _post_webhook(client, account, body: bytes, secret: str = APP_SECRET):
    return client.post(
        f"/webhook/whatsapp/{account.id}",
        data=body,
        headers={"X-Hub-Signature-256": sign(secret, body), "Content-Type": "application/json"},
    )


# --- The channel --------------------------------------------------------------------------------


def test_a_phone_only_member_hears_each_step_on_whatsapp(office, make_event, cloud, mailbox):
    event = make_event(office["org"], venue_capacity=1)
    first = registration.register(event, registrant(name="Siti", phone="0813 5100 0001"), utcnow())
    second = registration.register(event, registrant(name="Budi", phone="0813 5100 0002"), utcnow())
    assert second.registration.is_waitlisted
    registration.cancel(first.registration, utcnow())

    assert cloud.sent_to("+6281351000001") == ["pendaftaran_diterima", "pendaftaran_batal"]
    assert cloud.sent_to("+6281351000002") == ["daftar_tunggu", "dapat_tempat"]
    waiting, promoted = [m for m in cloud.messages if m["to"] == "6281351000002"]
    assert CloudApi.values(waiting)["urutan"] == "1"
    values = CloudApi.values(promoted)
    assert values["acara"] == event.title and values["kode"] == second.registration.code
    assert values["tautan"].endswith(f"/p/{second.registration.token}")
    assert "09.00–12.00 WIB" in values["jadwal"]
    assert mailbox == []
    # Every message left once, and organizers see it as sent, with the provider's id to match reports.
    messages = _whatsapp("+6281351000002")
    assert [m.status for m in messages] == [OutboxStatus.SENT] * 2
    assert all(m.provider_message_id.startswith("wamid.") for m in messages)


@pytest.mark.parametrize(
    ("contact", "whatsapp_to", "mail_to"),
    [
        ({"phone": PHONE_ONLY}, PHONE_ONLY, None),
        ({"phone": "", "email": EMAIL_ONLY}, None, EMAIL_ONLY),
        ({"phone": BOTH, "email": "both@example.org", "notify_by": "both"}, BOTH, "both@example.org"),
    ],
    ids=["phone-only", "email-only", "two-channels"],
)
def test_every_trigger_reaches_the_participant_on_each_of_their_channels(
    office, make_event, cloud, mailbox, contact, whatsapp_to, mail_to
):
    start = utcnow() + timedelta(days=2)
    day = (start + timedelta(hours=7)).date()
    event = make_event(
        office["org"],
        venue_capacity=0,
        sessions=[
            events.SessionData(day, time(9), time(12)),
            events.SessionData(day + timedelta(days=1), time(9), time(12)),
        ],
    )
    person = registration.register(event, registrant(name="Rina", **contact), utcnow()).registration
    assert person.is_waitlisted
    # More seats: promoted. Then a duplicate attempt, a new place, a reminder, a session dropped.
    data = events.EventData.from_event(event, venue_capacity=10)
    events.update_event(system_actor(), event, data, utcnow())
    registration.register(event, registrant(name="Orang Lain", **contact), utcnow())
    events.update_event(
        system_actor(), event, events.EventData.from_event(event, venue_name="Aula Baru"), utcnow()
    )
    first = event.sessions[0]
    send_due_reminders(first.starts_at - timedelta(hours=20))
    send_due_reminders(first.starts_at - timedelta(minutes=50))
    events.remove_session(system_actor(), event.sessions[1], utcnow())
    registration.cancel(person, utcnow())
    other = make_event(office["org"])
    registration.register(other, registrant(name="Rina", **contact), utcnow())
    events.cancel_event(system_actor(), other, "Narasumber berhalangan", utcnow())

    expected = [
        "daftar_tunggu",
        "dapat_tempat",
        "tautan_pendaftaran",
        "perubahan_acara",
        "pengingat",
        "pengingat",
        "sesi_ditiadakan",
        "pendaftaran_batal",
        "pendaftaran_diterima",
        "acara_dibatalkan",
    ]
    subjects = [
        "Daftar tunggu",
        "Anda mendapat tempat",
        "Tautan pendaftaran Anda",
        "Perubahan acara",
        "Pengingat",
        "Pengingat",
        "Sesi dibatalkan",
        "Pendaftaran dibatalkan",
        "Pendaftaran diterima",
        "Acara dibatalkan",
    ]
    assert cloud.sent_to(whatsapp_to) == (expected if whatsapp_to else [])
    if whatsapp_to is None:
        assert cloud.messages == []
    received = [m["Subject"].split(":")[0] for m in mailbox if m["To"] == mail_to]
    assert received == (subjects if mail_to else [])
    if mail_to is None:
        assert mailbox == []


# --- What Meta reports back ------------------------------------------------------------------------


def test_the_webhook_answers_metas_check_only_with_the_verify_token(client, office):
    account = office["account"]
    url = f"/webhook/whatsapp/{account.id}?hub.mode=subscribe&hub.challenge=1158201444"
    assert client.get(f"{url}&hub.verify_token={account.verify_token}").get_data(as_text=True) == "1158201444"
    assert client.get(f"{url}&hub.verify_token=tebakan").status_code == 403


def test_status_reports_move_a_message_forward_and_never_back(client, office, make_event, cloud):
    event = make_event(office["org"])
    registration.register(event, registrant(phone=PHONE_ONLY), utcnow())
    (message,) = _whatsapp(PHONE_ONLY)
    account, wamid, now = office["account"], message.provider_message_id, int(utcnow().timestamp())

    forged = status_webhook(wamid, "read", PHONE_ONLY, now)
    assert _post_webhook(client, account, forged, secret="bukan-rahasia-meta").status_code == 403
    for status in ("delivered", "read", "delivered"):  # the late "delivered" is ignored
        assert (
            _post_webhook(client, account, status_webhook(wamid, status, PHONE_ONLY, now)).status_code == 200
        )
    db.session.refresh(message)
    assert message.status == OutboxStatus.READ


def test_a_number_not_on_whatsapp_fails_with_a_reason_and_the_mail_still_arrives(
    client, office, make_event, cloud, mailbox
):
    event = make_event(office["org"])
    registration.register(event, registrant(phone=BOTH, email="both@example.org", notify_by="both"), utcnow())
    (message,) = _whatsapp(BOTH)
    body = status_webhook(message.provider_message_id, "failed", BOTH, int(utcnow().timestamp()), 131026)
    _post_webhook(client, office["account"], body)
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED
    assert "tidak terdaftar di WhatsApp" in message.last_error
    assert [m["To"] for m in mailbox] == ["both@example.org"]


def test_hours_of_provider_outage_lose_nothing_and_send_each_message_once(office, make_event, cloud):
    cloud.down = 10_000
    event = make_event(office["org"])
    start = utcnow()
    for n in range(3):
        registration.register(event, registrant(name=f"Peserta {n}", phone=f"08135100001{n}"), start)
    pending = [m for n in range(3) for m in _whatsapp(f"+62813510000{10 + n}")]
    assert [m.status for m in pending] == [OutboxStatus.PENDING] * 3
    assert all("sibuk atau tidak tersedia" in m.last_error for m in pending)
    for minutes in (1, 3, 7, 15, 31, 63, 127, 255):  # four hours of backoff
        jobs.sweep(start + timedelta(minutes=minutes))
    assert cloud.messages == []
    cloud.down = 0
    jobs.sweep(start + timedelta(hours=10))
    jobs.sweep(start + timedelta(hours=20))
    assert sorted(m["to"] for m in cloud.messages) == ["6281351000010", "6281351000011", "6281351000012"]
    for message in pending:
        db.session.refresh(message)
    assert [m.status for m in pending] == [OutboxStatus.SENT] * 3


def test_a_rate_limit_is_retried_and_an_unapproved_template_is_given_up(office, make_event, cloud):
    event = make_event(office["org"])
    cloud.rate_limited = 1
    start = utcnow()
    registration.register(event, registrant(phone=PHONE_ONLY), start)
    (limited,) = _whatsapp(PHONE_ONLY)
    assert limited.status == OutboxStatus.PENDING and "Batas kecepatan" in limited.last_error
    jobs.sweep(start + timedelta(minutes=2))
    db.session.refresh(limited)
    assert limited.status == OutboxStatus.SENT

    cloud.approved.discard("pendaftaran_diterima")
    registration.register(event, registrant(name="Budi", phone=BOTH), start)
    (refused,) = _whatsapp(BOTH)
    assert refused.status == OutboxStatus.FAILED
    assert "belum disetujui Meta" in refused.last_error


def test_replying_berhenti_or_the_link_stops_announcements_until_mulai(client, office):
    body = text_webhook(PHONE_ONLY, " Berhenti ", int(utcnow().timestamp()))
    assert _post_webhook(client, office["account"], body).status_code == 200
    assert outbox.opted_out([PHONE_ONLY, BOTH]) == {PHONE_ONLY}
    url = opt_out_url(BOTH).removeprefix("http://eventapp.test")
    token = url.rsplit("/", 1)[1]
    assert b"81351000003" not in base64.urlsafe_b64decode(token + "==")  # a forwarded link hides the number
    page = client.get(url).get_data(as_text=True)
    assert "08•• •••• 0003" in page and "Ya, hentikan pengumuman" in page
    assert outbox.opted_out([BOTH]) == set()  # opening the link (or its preview) stops nothing
    post_form(client, url, {})
    assert outbox.opted_out([BOTH]) == {BOTH}
    assert client.get(url[:-3] + "xyz").status_code == 404
    # Changing one's mind: the page's button, or MULAI on WhatsApp.
    assert "Terima pengumuman lagi" in client.get(url).get_data(as_text=True)
    post_form(client, url, {"resume": "1"})
    body = text_webhook(PHONE_ONLY, "MULAI", int(utcnow().timestamp()))
    assert _post_webhook(client, office["account"], body).status_code == 200
    assert outbox.opted_out([PHONE_ONLY, BOTH]) == set()


# --- A generic gateway ------------------------------------------------------------------------


def test_a_gateway_gets_the_number_and_text_in_its_own_field_names(app, make_org, make_event):
    gateway = Gateway().start()
    try:
        org = make_org()
        outbox.save_whatsapp_account(
            org.id,
            outbox.AccountData(
                provider="gateway",
                gateway_url=f"{gateway.url}/send",
                gateway_token_header="X-Api-Key",
                gateway_token=gateway.token,
                gateway_phone_field="target",
                gateway_text_field="message",
            ),
            utcnow(),
        )
        event = make_event(org)
        person = registration.register(event, registrant(phone=PHONE_ONLY), utcnow()).registration
        (request,) = gateway.requests
        assert request["target"] == "6281351000001"
        assert request["message"].startswith("Halo Peserta Uji, pendaftaran Anda untuk *")
        assert person.token in request["message"]
        gateway.refuse_reason = "device disconnected"
        registration.register(event, registrant(name="Budi", phone=BOTH), utcnow())
        (refused,) = _whatsapp(BOTH)
        assert refused.status == OutboxStatus.PENDING
        assert "Gateway WhatsApp menolak pesan (device disconnected)" in refused.last_error
    finally:
        gateway.stop()


# --- The office's settings ------------------------------------------------------------------------


def test_an_office_sets_up_its_number_tests_it_and_its_secrets_stay_sealed(
    client, login, make_org, make_user, cloud, app
):
    org = make_org()
    login(make_user(org))
    url = f"/kelola/organisasi/{org.id}/whatsapp"
    page = post_form(
        client,
        url,
        {
            "provider": "gateway",
            "gateway_url": "javascript:alert(1)",
            "max_per_second": "500",
            "display_number": "0811",
        },
    ).get_data(as_text=True)
    assert "Alamat gateway harus diawali https://" in page and "Antara 1 dan 80 pesan per detik." in page
    assert 'value="0811"' in page
    response = post_form(
        client,
        url,
        {
            "provider": "cloud_api",
            "display_number": "0811 5200 1234",
            "max_per_second": "20",
            "phone_number_id": cloud.phone_number_id,
            "access_token": cloud.token,
            "app_secret": APP_SECRET,
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert cloud.token not in page and APP_SECRET not in page and "Tersimpan" in page
    account = db.session.scalar(select(WhatsAppAccount).where(WhatsAppAccount.organization_id == org.id))
    assert cloud.token not in account.access_token_sealed and APP_SECRET not in account.app_secret_sealed
    assert f"/webhook/whatsapp/{account.id}" in page and account.verify_token in page

    done = post_form(client, f"{url}/uji", {"phone": "0813-5100-0009"}, form_url=url, follow_redirects=True)
    assert "Pesan uji terkirim ke WhatsApp 0813-5100-0009" in done.get_data(as_text=True)
    assert cloud.sent_to("+6281351000009") == ["pesan_uji"]
    kept = post_form(client, f"{url}/hapus", {}, form_url=url, follow_redirects=True).get_data(as_text=True)
    assert "untuk menghapus pengaturan WhatsApp" in kept and "Kirim pesan uji" in kept
    catalogue = client.get(f"{url}/templat.json").get_json()
    assert {"pendaftaran_diterima", "sertifikat_terbit"} <= {t["name"] for t in catalogue}
    assert all(t["language"] == "id" for t in catalogue)
    assert all(t.get("parameter_format") == "named" for t in catalogue if t["category"] != "AUTHENTICATION")
    assert {t["name"]: t["category"] for t in catalogue}["pesan_penyelenggara"] == "MARKETING"


def test_another_office_cannot_see_or_change_the_number(client, login, make_org, make_user, office):
    other = make_org("Diskominfo Kabupaten Seruyan", "Seruyan")
    login(make_user(other))
    assert client.get(f"/kelola/organisasi/{office['org'].id}/whatsapp").status_code == 404
    assert client.get(f"/kelola/organisasi/{office['org'].id}/whatsapp/templat.json").status_code == 404


def test_registrations_keep_the_channel_chosen_on_the_form(client, make_event, office):
    event = make_event(office["org"])
    _register(client, event, email="rina@example.org", notify_by="both")
    saved = db.session.scalar(select(Registration))
    assert saved.notify_by == "both" and saved.channels == {Channel.WHATSAPP, Channel.EMAIL}


def test_organizers_see_each_registrants_message_status_and_can_list_the_failures(
    client, login, office, make_event, cloud
):
    event = make_event(office["org"])
    reached = registration.register(event, registrant(name="Sampai", phone=PHONE_ONLY), utcnow()).registration
    lost = registration.register(event, registrant(name="Hilang", phone=BOTH), utcnow()).registration
    now = int(utcnow().timestamp())
    (read,) = _whatsapp(PHONE_ONLY)
    (failed,) = _whatsapp(BOTH)
    _post_webhook(
        client, office["account"], status_webhook(read.provider_message_id, "read", PHONE_ONLY, now)
    )
    _post_webhook(
        client, office["account"], status_webhook(failed.provider_message_id, "failed", BOTH, now, 131026)
    )
    login(office["user"])
    page = client.get(f"/kelola/acara/{event.id}/peserta").get_data(as_text=True)
    assert "WhatsApp: Dibaca" in page and "WhatsApp: Gagal" in page
    assert "tidak terdaftar di WhatsApp" in page
    only_failed = client.get(f"/kelola/acara/{event.id}/peserta?pesan=gagal").get_data(as_text=True)
    assert "Hilang" in only_failed and "Sampai" not in only_failed
    history = client.get(f"/kelola/acara/{event.id}/peserta/{reached.id}/ubah").get_data(as_text=True)
    assert f"Pendaftaran diterima: {event.title}" in history and "WhatsApp 0813-5100-0001" in history
    assert lost.code not in history


def test_rakor_invitations_go_out_once_with_hadir_and_izin_links(
    client, login, office, make_event, cloud, mailbox
):
    event = make_event(office["org"], kind="rakor", audience="undangan")
    actor = office["user"]
    by_phone = invitations.invite_person(actor, event, "Kepala Desa Soren", "0813 5100 0001", "")
    by_mail = invitations.invite_person(actor, event, "Camat Baamang", "", "camat@example.org")
    login(actor)
    url = f"/kelola/acara/{event.id}/undangan"
    assert "Kirim undangan ke 2 orang yang belum dikirimi" in client.get(url).get_data(as_text=True)
    post_form(client, f"{url}/kirim", {}, form_url=url)
    (sent,) = cloud.messages
    values = CloudApi.values(sent)
    assert sent["template"]["name"] == "undangan" and values["nama"] == "Kepala Desa Soren"
    assert values["hadir"].endswith(f"/undangan/{by_phone.token}")
    assert values["izin"].endswith(f"/undangan/{by_phone.token}#izin")
    (mail,) = mailbox
    assert mail["To"] == "camat@example.org" and f"/undangan/{by_mail.token}#izin" in mail_text(mail)
    page = client.get(url).get_data(as_text=True)
    assert "WhatsApp: Terkirim" in page and "E-mail: Terkirim" in page and "belum dikirimi" not in page
    post_form(client, f"{url}/kirim", {}, form_url=url)  # nothing new to send
    assert len(cloud.messages) == 1 and len(mailbox) == 1


def test_the_developer_reads_whatsapp_files_on_a_page(
    client, login, make_org, make_event, make_user, whatsapp
):
    org = make_org()
    event = make_event(org)
    registration.register(event, registrant(name="Rina Telepon", phone=PHONE_ONLY), utcnow())
    login(make_user(None, role="admin"))
    page = client.get("/kelola/pesan/whatsapp").get_data(as_text=True)
    assert "Kepada: +6281351000001" in page and "Halo Rina Telepon" in page


def test_a_certificate_travels_as_the_document_header_of_its_template(office, cloud):
    pdf = b"%PDF-1.4\n% sertifikat uji\n"
    outbox.queue_whatsapp(
        PHONE_ONLY,
        office["org"].id,
        "sertifikat_terbit",
        {"nama": "Siti", "acara": "Bimtek", "nomor": "001/SERT/2026", "verifikasi": "https://x.test/v/AB"},
        "Sertifikat: Bimtek",
        document=("sertifikat-AB12.pdf", pdf),
    )
    jobs.commit()
    assert cloud.media == [("sertifikat-AB12.pdf", pdf)]
    (request,) = cloud.messages
    header, body = request["template"]["components"]
    assert body["type"] == "body"
    assert header == {
        "type": "header",
        "parameters": [
            {"type": "document", "document": {"id": "media-1", "filename": "sertifikat-AB12.pdf"}}
        ],
    }
    assert CloudApi.values(request)["nomor"] == "001/SERT/2026"


def test_a_cancelled_registration_is_not_confirmed_again(client, login, office, make_event, cloud):
    event = make_event(office["org"])
    person = registration.register(event, registrant(phone=PHONE_ONLY), utcnow()).registration
    registration.cancel(person, utcnow())
    login(office["user"])
    listing = f"/kelola/acara/{event.id}/peserta"
    assert f"/peserta/{person.id}/kirim-ulang" not in client.get(listing).get_data(as_text=True)
    page = post_form(
        client, f"{listing}/{person.id}/kirim-ulang", {}, form_url=listing, follow_redirects=True
    )
    assert "sudah dibatalkan: tidak ada yang dikirim ulang" in page.get_data(as_text=True)
    assert cloud.sent_to(PHONE_ONLY) == ["pendaftaran_diterima", "pendaftaran_batal"]


def test_an_organizer_changes_a_registrants_channel_and_the_history_says_so(
    client, login, office, make_event
):
    event = make_event(office["org"])
    person = registration.register(event, registrant(phone=PHONE_ONLY, email="rina@example.org"), utcnow())
    login(office["user"])
    url = f"/kelola/acara/{event.id}/peserta/{person.registration.id}/ubah"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<input checked id="notify_by-0" name="notify_by" type="radio" value="whatsapp">', page)
    fields = {
        "name": "Peserta Uji",
        "phone": "0813 5100 0001",
        "email": "rina@example.org",
        "notify_by": "both",
        "gender": "P",
        "occupation": "lainnya",
        "kim_id": "-1",
        "institution": "Kantor Desa Camba",
    }
    assert post_form(client, url, fields).status_code == 302
    db.session.refresh(person.registration)
    assert person.registration.channels == {Channel.WHATSAPP, Channel.EMAIL}
    history = client.get(f"/kelola/acara/{event.id}/riwayat").get_data(as_text=True)
    assert "Saluran pemberitahuan" in history and "notify_by" not in history


def test_a_message_meta_held_back_for_now_is_sent_again_later(client, office, make_event, cloud):
    event = make_event(office["org"])
    start = utcnow()
    registration.register(event, registrant(phone=PHONE_ONLY), start)
    (message,) = _whatsapp(PHONE_ONLY)
    held = status_webhook(message.provider_message_id, "failed", PHONE_ONLY, int(start.timestamp()), 131049)
    _post_webhook(client, office["account"], held)
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING and "menahan pesan ini" in message.last_error
    jobs.sweep(start + timedelta(minutes=5))
    assert cloud.sent_to(PHONE_ONLY) == ["pendaftaran_diterima", "pendaftaran_diterima"]
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT


# --- The number's rate ------------------------------------------------------------------------------


def test_workers_on_several_processes_share_the_numbers_rate():
    """Two worker processes (each with its own pacer on the production storage, Redis) together
    send no more than the number's limit in any second."""
    account_id = secrets.randbelow(10**9)  # a number of its own in the shared storage
    pacers = [whatsapp.Pacer("redis://127.0.0.1:6379/12") for _ in range(2)]
    sent: list[float] = []
    started = clock.monotonic()

    def worker(pacer: whatsapp.Pacer) -> None:
        for _ in range(30):
            pacer.wait(account_id, 20)
            sent.append(clock.monotonic())

    threads = [threading.Thread(target=worker, args=(pacer,)) for pacer in pacers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.sort()
    # Sixty messages at twenty a second, whichever worker sends them: never more than twenty in
    # one second, so two seconds at least (each worker alone would send its thirty in 1.5 s).
    assert max(sum(1 for t in sent if start <= t < start + 0.95) for start in sent) <= 20
    assert sent[-1] - started >= 1.9


def test_without_its_storage_the_pacer_still_paces_and_sends(caplog):
    """Redis gone: messages still go, at the number's rate within this worker, and the log says why."""
    pacer = whatsapp.Pacer("redis://127.0.0.1:1/0")  # nothing listens there
    started = clock.monotonic()
    for _ in range(12):
        pacer.wait(7, 10)
    assert clock.monotonic() - started >= 1.05  # a tenth of a second apart
    assert "WhatsApp pacing falls back to this process" in caplog.text


def test_a_message_that_cannot_be_handed_over_says_why_without_the_servers_details(
    app, make_org, make_event, tmp_path, monkeypatch
):
    """The development sender cannot write its file: the organizer reads that WhatsApp could
    not be reached, not an exception naming the server's folders (those go to the log)."""
    not_a_folder = tmp_path / "berkas"
    not_a_folder.write_text("")
    monkeypatch.setitem(app.config, "WHATSAPP_FILE_PATH", str(not_a_folder / "whatsapp"))
    registration.register(make_event(make_org()), registrant(phone=PHONE_ONLY), utcnow())
    (message,) = _whatsapp(PHONE_ONLY)
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert message.last_error == "Layanan WhatsApp tidak dapat dihubungi."
