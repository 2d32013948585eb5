"""'Kirim pesan ke peserta': pick recipients, see how many and how it reads, send once; the
history counts what was delivered, read and failed, by person."""

import re

import pytest
from sqlalchemy import func, select

from eventapp.attendance import services as attendance
from eventapp.broadcasts.models import Broadcast
from eventapp.dbtypes import utcnow
from eventapp.extensions import db
from eventapp.outbox import services as outbox
from eventapp.registration import services as registration
from tests.conftest import post_form
from tests.factories import arrived, registrant, system_actor


def _send_key(page: str) -> str:
    return re.search(r'name="send_key" type="hidden" value="([^"]+)"', page).group(1)


@pytest.fixture
def webinar(make_org, make_user, make_event):
    org = make_org()
    event = make_event(org, venue_capacity=3)
    people = {}
    for key, contact in (
        ("came", {"phone": "081351000101"}),
        ("absent_phone", {"phone": "081351000102"}),
        ("absent_mail", {"phone": "", "email": "absen@example.org"}),
        ("waiting", {"phone": "081351000104"}),
    ):
        people[key] = registration.register(event, registrant(name=key, **contact), utcnow()).registration
    session = event.sessions[0]
    attendance.check_in(system_actor(), event, session, people["came"], arrived(session))
    return {"org": org, "user": make_user(org), "event": event, "session": session, **people}


def test_an_organizer_writes_to_those_not_yet_present_and_sees_who_got_it(
    client, login, webinar, whatsapp, mailbox, count_commits
):
    event, session = webinar["event"], webinar["session"]
    outbox.opt_out("+6281351000104", utcnow())  # the waiting one stopped announcements
    login(webinar["user"])
    url = f"/kelola/acara/{event.id}/pesan/"
    picked = {
        "statuses": ["confirmed", "waitlisted"],
        "attendance": "belum",
        "session_id": str(session.id),
        "text": "Tautan Zoom berganti.\nSilakan buka halaman peserta.",
    }
    page = post_form(client, url, {**picked, "preview": "1"}).get_data(as_text=True)
    assert "2 peserta akan menerima pesan ini." in page
    assert "Dilewati karena sudah berhenti menerima pengumuman: waiting." in page
    assert "Pratinjau untuk absent_phone di WhatsApp" in page
    assert "Tautan Zoom berganti. Silakan buka halaman peserta." in page
    assert f"/p/{webinar['absent_phone'].token}" in page  # the message carries the person's own page
    whatsapp.clear()
    mailbox.clear()
    with count_commits() as commits:
        done = post_form(client, url, {**picked, "send": "1", "send_key": _send_key(page)}, form_url=url)
    assert done.status_code == 302 and len(commits) == 1
    # The same preview sent again (a reload, a second click) writes nothing more.
    again = post_form(client, url, {**picked, "send": "1", "send_key": _send_key(page)}, form_url=url)
    assert again.headers["Location"] == done.headers["Location"]
    assert [(m.to, m.template) for m in whatsapp.messages()] == [("+6281351000102", "pesan_penyelenggara")]
    assert "/berhenti/" in whatsapp.messages()[0].text
    assert [m["To"] for m in mailbox] == ["absen@example.org"]
    assert db.session.scalar(select(func.count(Broadcast.id))) == 1
    detail = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Terkirim 2" in detail and "absent_phone" in detail and "absent_mail" in detail
    assert "came" not in detail.split("<table", 1)[1]
    history = client.get(url).get_data(as_text=True)
    assert "belum hadir sesi 1" in history and "Terkirim 2" in history


def test_kirim_sends_only_what_was_previewed(client, login, webinar, whatsapp):
    login(webinar["user"])
    url = f"/kelola/acara/{webinar['event'].id}/pesan/"
    previewed = {"statuses": ["confirmed"], "text": "Materi sudah diunggah.", "preview": "1"}
    page = post_form(client, url, previewed).get_data(as_text=True)
    assert "3 peserta akan menerima pesan ini." in page
    whatsapp.clear()
    changed = {"statuses": ["confirmed", "waitlisted"], "text": "Materi sudah diunggah.", "send": "1"}
    answer = post_form(client, url, {**changed, "send_key": _send_key(page)}).get_data(as_text=True)
    assert "Penerima atau isi pesan berubah sejak pratinjau" in answer
    assert "4 peserta akan menerima pesan ini." in answer
    assert whatsapp.messages() == [] and db.session.scalar(select(func.count(Broadcast.id))) == 0


def test_a_broadcast_without_text_or_recipients_says_so_and_keeps_the_choice(client, login, webinar):
    event = webinar["event"]
    login(webinar["user"])
    url = f"/kelola/acara/{event.id}/pesan/"
    page = post_form(client, url, {"statuses": ["waitlisted"], "text": "  ", "send": "1"}).get_data(
        as_text=True
    )
    assert "Tulis pesannya." in page
    assert re.search(
        r'<input checked id="statuses-1" name="statuses" type="checkbox" value="waitlisted">', page
    )
    page = post_form(
        client,
        url,
        {
            "statuses": ["confirmed"],
            "attendance": "hadir",
            "session_id": "999999",
            "kim_id": "999999",
            "text": "Halo",
            "send": "1",
        },
    ).get_data(as_text=True)
    assert "Tidak ada peserta yang cocok" in page
    assert db.session.scalar(select(func.count(Broadcast.id))) == 0


def test_another_office_cannot_write_to_these_participants(client, login, make_org, make_user, webinar):
    login(make_user(make_org("Diskominfo Kabupaten Seruyan", "Seruyan")))
    url = f"/kelola/acara/{webinar['event'].id}/pesan/"
    assert client.get(url).status_code == 404
