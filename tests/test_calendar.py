"""Calendar files, read back by two independent parsers (icalendar and the strict `ical`),
inline invites over real SMTP, updates, cancellations, feeds and once-only reminders."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from ical.calendar_stream import IcsCalendarStream

from eventapp.calendar.services import send_due_reminders
from eventapp.dbtypes import utcnow
from eventapp.events import services as events
from eventapp.registration import services as registration
from tests.conftest import mail_text, post_form, region
from tests.factories import registrant, system_actor


def read(body: bytes):
    """Parse with both libraries; `ical` raises on anything that does not follow RFC 5545."""
    text = body.decode("utf-8")
    strict = IcsCalendarStream.calendar_from_ics(text)
    return strict, icalendar.Calendar.from_ical(text)


def _webinar_in_wita(make_org, make_event, **overrides):
    day = (utcnow() + timedelta(days=10)).date()
    return make_event(
        make_org(),
        title="Webinar Literasi Digital",
        kind="webinar",
        mode="hibrida",
        timezone="Asia/Makassar",
        venue_name="Aula Diskominfo",
        online_capacity=100,
        online_url="https://zoom.us/j/777",
        online_passcode="KIM",
        sessions=[events.SessionData(day, time(9), time(11))],
        **overrides,
    )


def test_add_to_calendar_file_keeps_the_zone_and_hides_the_link(client, make_org, make_event):
    event = _webinar_in_wita(make_org, make_event)
    response = client.get(f"/acara/{event.slug}/kalender.ics")
    assert response.mimetype == "text/calendar"
    strict, parsed = read(response.get_data())
    assert strict.method == "PUBLISH"
    (vevent,) = strict.events
    assert vevent.dtstart.astimezone(UTC).time() == time(1, 0)  # 09.00 WITA is 01.00 UTC
    assert str(parsed.walk("VEVENT")[0]["DTSTART"].params["TZID"]) == "Asia/Makassar"
    (vtimezone,) = parsed.walk("VTIMEZONE")
    assert (
        vtimezone["TZID"] == "Asia/Makassar"
        and vtimezone.walk("STANDARD")[0]["TZOFFSETTO"].to_ical() == "+0800"
    )
    assert vevent.uid.startswith(f"eventapp-session-{event.sessions[0].id}@")
    assert vevent.sequence == 0 and vevent.alarm
    assert f"/acara/{event.slug}" in vevent.description and vevent.url.endswith(f"/acara/{event.slug}")
    assert "zoom.us" not in response.get_data(as_text=True)


def test_bimtek_has_one_event_per_session(client, make_org, make_event):
    day = (utcnow() + timedelta(days=5)).date()
    event = make_event(
        make_org(),
        kind="bimtek",
        sessions=[
            events.SessionData(day + timedelta(days=n), time(8), time(16), f"Hari {n + 1}") for n in range(3)
        ],
    )
    strict, _ = read(client.get(f"/acara/{event.slug}/kalender.ics").get_data())
    assert [e.summary for e in strict.events] == [f"{event.title} — Hari {n}" for n in (1, 2, 3)]
    assert len({e.uid for e in strict.events}) == 3


def test_confirmation_mail_carries_an_inline_request(client, make_org, make_event, mailbox):
    event = _webinar_in_wita(make_org, make_event)
    registration.register(
        event, registrant(email="siti@example.org", notify_by="email", attendance_mode="daring"), utcnow()
    )
    (message,) = mailbox
    assert message.get_content_type() == "multipart/alternative"
    plain, calendar_part = message.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert calendar_part.get_content_type() == "text/calendar"
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_content_charset() == "utf-8"
    strict, _parsed = read(calendar_part.get_payload(decode=True))
    assert strict.method == "REQUEST"
    (vevent,) = strict.events
    assert [a.uri for a in vevent.attendees] == ["mailto:siti@example.org"]
    assert vevent.organizer.uri == "mailto:noreply@eventapp.example"
    assert vevent.location == "https://zoom.us/j/777" and "https://zoom.us/j/777" in vevent.description
    assert [c.uri for c in vevent.conference] == ["https://zoom.us/j/777"]


def test_waitlisted_people_get_no_invite(make_org, make_event, mailbox):
    event = _webinar_in_wita(make_org, make_event, venue_capacity=0)
    registration.register(
        event, registrant(email="siti@example.org", notify_by="email", attendance_mode="luring"), utcnow()
    )
    assert mailbox[0].get_content_type() == "text/plain"


def test_moving_a_session_sends_an_update_and_a_typo_does_not(
    client, login, make_org, make_user, make_event, mailbox
):
    event = _webinar_in_wita(make_org, make_event)
    first = registration.register(
        event, registrant(email="siti@example.org", notify_by="email", attendance_mode="daring"), utcnow()
    )
    original = read(mailbox[0].get_payload()[1].get_payload(decode=True))[0].events[0]
    mailbox.clear()
    login(make_user(event.organization))
    session = event.sessions[0]
    day = session.starts_at.astimezone(ZoneInfo("Asia/Makassar")).date()
    post_form(
        client,
        f"/kelola/acara/{event.id}/sesi/{session.id}",
        {"title": "", "day": day.isoformat(), "start": "10:00", "end": "12:00"},
    )
    (update,) = mailbox
    assert update["Subject"] == f"Perubahan acara: {event.title}"
    moved = read(update.get_payload()[1].get_payload(decode=True))[0].events[0]
    assert moved.uid == original.uid and moved.sequence == original.sequence + 1
    assert moved.dtstart.astimezone(UTC).time() == time(2, 0)
    assert client.get(f"/p/{first.registration.token}/kalender.ics").status_code == 200

    mailbox.clear()
    data = events.EventData.from_event(event)
    data.description = "Perbaikan salah ketik"
    events.update_event(system_actor(), event, data, utcnow())
    assert mailbox == []


def test_cancelling_sends_cancel_with_the_same_uids(make_org, make_event, mailbox):
    event = _webinar_in_wita(make_org, make_event)
    siti = registration.register(
        event, registrant(email="siti@example.org", notify_by="email", attendance_mode="daring"), utcnow()
    )
    budi = registration.register(
        event,
        registrant(
            email="budi@example.org",
            notify_by="email",
            phone="081377770009",
            name="Budi",
            attendance_mode="daring",
        ),
        utcnow(),
    )
    invite = read(mailbox[0].get_payload()[1].get_payload(decode=True))[0].events[0]
    mailbox.clear()

    registration.cancel(siti.registration, utcnow())
    (own,) = mailbox
    calendar_part = own.get_payload()[1]
    assert calendar_part.get_param("method") == "CANCEL"
    strict, _ = read(calendar_part.get_payload(decode=True))
    assert strict.method == "CANCEL"
    assert [(e.uid, e.sequence, e.status) for e in strict.events] == [
        (invite.uid, invite.sequence + 1, "CANCELLED")
    ]

    mailbox.clear()
    events.cancel_event(system_actor(), event, "Narasumber berhalangan", utcnow())
    (told,) = mailbox
    assert told["To"] == budi.registration.email
    cancelled = read(told.get_payload()[1].get_payload(decode=True))[0].events[0]
    assert (cancelled.uid, cancelled.status) == (invite.uid, "CANCELLED")
    assert cancelled.sequence > invite.sequence
    assert "Narasumber berhalangan" in mail_text(told)


def test_feeds_list_public_events_by_office_and_kabupaten(client, make_org, make_event):
    kotim = make_org()
    katingan = make_org("Diskominfo Kabupaten Katingan", area="Katingan")
    make_event(kotim, title="Sosialisasi Kotim", region_id=region("Kotawaringin Timur").id)
    make_event(katingan, title="Sosialisasi Katingan", region_id=region("Katingan").id)
    make_event(kotim, title="Rakor Tertutup", audience="undangan")
    make_event(kotim, title="Draf Rahasia", publish=False)

    def titles(url):
        strict, _ = read(client.get(url).get_data())
        return sorted(e.summary for e in strict.events)

    assert titles("/kalender.ics") == ["Sosialisasi Katingan", "Sosialisasi Kotim"]
    assert titles(f"/kalender/organisasi/{katingan.id}.ics") == ["Sosialisasi Katingan"]
    assert titles(f"/kalender/kabupaten/{region('Kotawaringin Timur').id}.ics") == ["Sosialisasi Kotim"]
    page = client.get("/acara").get_data(as_text=True)
    assert "webcal://localhost/kalender.ics" in page


def test_feed_costs_the_same_queries_for_few_or_many_events(client, count_queries, make_org, make_event):
    org = make_org()
    make_event(org)
    with count_queries() as few:
        client.get("/kalender.ics")
    for _ in range(15):
        make_event(org)
    with count_queries() as many:
        strict, _ = read(client.get("/kalender.ics").get_data())
    assert len(strict.events) == 16
    assert len(many) == len(few)


def test_event_page_offers_calendar_and_google_links(client, make_org, make_event):
    event = _webinar_in_wita(make_org, make_event)
    page = client.get(f"/acara/{event.slug}").get_data(as_text=True)
    assert f"/acara/{event.slug}/kalender.ics" in page
    start = event.sessions[0].starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page and start in page


@pytest.fixture
def tomorrow_event(make_org, make_event):
    """An event two days ahead, 09.00–11.00 in Jakarta: far enough for both reminders, and a
    session that ends the day it starts whatever the hour the tests run (one starting 24 hours
    from now ran past midnight when the tests ran after 22.00 WIB)."""
    day = utcnow().astimezone(ZoneInfo("Asia/Jakarta")).date() + timedelta(days=2)
    event = make_event(make_org(), timezone="Asia/Jakarta")
    events.update_session(
        system_actor(), event.sessions[0], events.SessionData(day, time(9), time(11)), utcnow()
    )
    return event


def test_reminders_go_out_once_even_when_the_task_runs_twice(db, tomorrow_event, mailbox):
    event = tomorrow_event
    start = event.sessions[0].starts_at
    registration.register(event, registrant(email="siti@example.org", notify_by="email"), utcnow())
    registration.register(
        event, registrant(email="budi@example.org", notify_by="email", phone="081377770009"), utcnow()
    )
    mailbox.clear()

    assert send_due_reminders(start - timedelta(hours=30)) == 0  # too early
    assert send_due_reminders(start - timedelta(hours=23)) == 2
    assert send_due_reminders(start - timedelta(hours=23)) == 0  # the same run again: nothing
    assert send_due_reminders(start - timedelta(minutes=50)) == 2
    assert send_due_reminders(start - timedelta(minutes=40)) == 0
    subjects = sorted(m["Subject"] for m in mailbox)
    assert subjects == [f"Pengingat: {event.title}"] * 4
    texts = sorted(mail_text(m).splitlines()[0] for m in mailbox)
    assert texts == [f"Besok: {event.title}"] * 2 + [f"Satu jam lagi: {event.title}"] * 2


def test_reminders_can_be_turned_off(db, tomorrow_event, mailbox):
    event = tomorrow_event
    registration.register(event, registrant(email="siti@example.org", notify_by="email"), utcnow())
    data = events.EventData.from_event(event)
    data.reminders_enabled = False
    events.update_event(system_actor(), event, data, utcnow())
    mailbox.clear()
    assert send_due_reminders(event.sessions[0].starts_at - timedelta(hours=23)) == 0
    assert mailbox == []


def test_participant_page_offers_the_reminder_on_whatsapp(client, tomorrow_event):
    result = registration.register(tomorrow_event, registrant(phone="081377770001"), utcnow())
    page = client.get(f"/p/{result.registration.token}").get_data(as_text=True)
    assert "https://wa.me/6281377770001?text=Pengingat%3A" in page
    assert f"/p/{result.registration.token}/kalender.ics" in page


def test_time_zone_offsets_for_all_three_zones(client, make_org, make_event):
    day = datetime(2027, 3, 1).date()
    for tz, utc_hour in (("Asia/Jakarta", 2), ("Asia/Makassar", 1), ("Asia/Jayapura", 0)):
        event = make_event(
            make_org(f"Org {tz}"), timezone=tz, sessions=[events.SessionData(day, time(9), time(10))]
        )
        strict, _ = read(client.get(f"/acara/{event.slug}/kalender.ics").get_data())
        assert strict.events[0].dtstart.astimezone(UTC).hour == utc_hour


def test_the_downloaded_file_publishes_every_session_and_the_mail_invites(
    client, db, make_org, make_event, mailbox
):
    day = (utcnow() + timedelta(days=3)).date()
    sessions = [
        events.SessionData(day, time(9), time(12)),
        events.SessionData(day + timedelta(days=1), time(9), time(12)),
    ]
    event = make_event(make_org(), kind="bimtek", sessions=sessions)
    person = registration.register(
        event, registrant(email="siti@example.org", notify_by="email"), utcnow()
    ).registration
    downloaded = client.get(f"/p/{person.token}/kalender.ics").get_data()
    strict, _ = read(downloaded)
    assert b"METHOD:PUBLISH" in downloaded and b"ATTENDEE" not in downloaded
    assert len(strict.events) == 2
    (mail,) = mailbox
    assert b"METHOD:REQUEST" in mail.get_payload()[1].get_payload(decode=True)


def test_the_whatsapp_reminder_on_the_participant_page_names_the_day(make_org, make_event):
    from eventapp.calendar.services import next_reminder_text

    day = (utcnow() + timedelta(days=9)).date()
    event = make_event(make_org(), sessions=[events.SessionData(day, time(9), time(12))])
    person = registration.register(event, registrant(), utcnow()).registration
    text = next_reminder_text(person, utcnow())
    assert text.startswith(f"Pengingat: {event.title}") and "Besok" not in text
    assert "09.00–12.00 WIB" in text and str(day.year) in text
