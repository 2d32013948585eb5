"""Events: creating with kind defaults and time zones, publishing, editing, duplicating,
cancelling, the public list and page, and scoping between offices."""

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import StatementError

from eventapp.accounts.models import Role
from eventapp.dbtypes import utcnow
from eventapp.events import services
from eventapp.events.models import Event, EventStatus
from eventapp.i18n import format_days
from eventapp.registration import services as registration
from tests.conftest import mail_text, post_form, region
from tests.factories import registrant, system_actor


@pytest.fixture
def kotim(make_org, make_user):
    org = make_org()
    return {"org": org, "user": make_user(org)}


def _new_event_form(**overrides):
    day = (utcnow() + timedelta(days=10)).date()
    values = {
        "title": "Webinar Literasi Digital",
        "kind": "webinar",
        "mode": "hibrida",
        "audience": "umum",
        "region_id": region("Kotawaringin Timur").id,
        "timezone": "Asia/Makassar",
        "day": day.isoformat(),
        "start": "09:00",
        "end": "11:00",
        "venue_name": "Aula Diskominfo Kotim",
        "online_url": "https://zoom.us/j/123",
        "online_passcode": "KIM",
        "venue_capacity": "30",
        "online_capacity": "300",
        "contact_name": "Rina",
        "contact_phone": "0812 5009 9001",
        "attendance_rule": "sesi",
        "attendance_min_sessions": "1",
        "attendance_min_percent": "75",
        "reminders_enabled": "y",
    }
    values.update(overrides)
    return values


def test_organizer_creates_a_hybrid_webinar_in_wita(client, login, db, kotim):
    login(kotim["user"])
    choose = client.get("/kelola/acara/baru").get_data(as_text=True)
    assert "Jenis acara apa?" in choose and "Bimbingan teknis" in choose
    form = client.get("/kelola/acara/baru?jenis=webinar").get_data(as_text=True)
    assert 'value="300"' in form  # the webinar default: a Zoom licence of 300
    response = post_form(client, "/kelola/acara/baru?jenis=webinar", _new_event_form())
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.scalar(select(Event).where(Event.title == "Webinar Literasi Digital"))
    assert event.status == EventStatus.DRAFT
    assert event.sessions[0].starts_at.time() == time(1, 0)  # 09.00 WITA is 01.00 UTC
    assert event.contact_phone == "+6281250099001"
    assert client.get(f"/acara/{event.slug}").status_code == 404  # drafts are not public

    post_form(client, f"/kelola/acara/{event.id}/terbitkan", {}, form_url=f"/kelola/acara/{event.id}")
    page = client.get(f"/acara/{event.slug}").get_data(as_text=True)
    assert "09.00 WITA" in page and "08.00 WIB / 09.00 WITA / 10.00 WIT" in page
    assert "Luring: sisa 30 dari 30 kursi" in page and "Daring: sisa 300 dari 300 kursi" in page
    assert "https://zoom.us/j/123" not in page  # the meeting link is for confirmed participants only
    assert "https://wa.me/?text=" in page
    assert "Webinar Literasi Digital" in client.get("/acara").get_data(as_text=True)


def test_bimtek_starts_with_one_session_per_day(client, login, db, kotim):
    login(kotim["user"])
    post_form(
        client,
        "/kelola/acara/baru?jenis=bimtek",
        _new_event_form(
            title="Bimtek Pengelolaan Media Sosial KIM",
            kind="bimtek",
            mode="luring",
            start="08:00",
            end="16:00",
            timezone="Asia/Jakarta",
        ),
    )
    event = db.session.scalar(select(Event).where(Event.kind == "bimtek"))
    days = [s.starts_at.date() for s in event.sessions]
    assert len(days) == 3 and days[1] - days[0] == timedelta(days=1)
    assert [s.title for s in event.sessions] == ["Hari 1", "Hari 2", "Hari 3"]


def test_event_form_errors_keep_what_was_typed(client, login, kotim):
    login(kotim["user"])
    page = post_form(
        client,
        "/kelola/acara/baru?jenis=sosialisasi",
        _new_event_form(kind="sosialisasi", mode="luring", venue_name="", start="11:00", end="10:00"),
    ).get_data(as_text=True)
    assert "Jam selesai harus setelah jam mulai." in page
    assert 'value="Webinar Literasi Digital"' in page


def test_offline_event_needs_a_venue(client, login, kotim):
    login(kotim["user"])
    page = post_form(
        client,
        "/kelola/acara/baru?jenis=sosialisasi",
        _new_event_form(kind="sosialisasi", mode="luring", venue_name=""),
    ).get_data(as_text=True)
    assert "Acara luring atau hibrida memerlukan nama tempat." in page


def test_description_markdown_is_rendered_and_sanitized(client, make_event, kotim):
    event = make_event(
        kotim["org"], description="**Penting** <script>alert(1)</script> [tautan](javascript:alert(1))"
    )
    page = client.get(f"/acara/{event.slug}").get_data(as_text=True)
    assert "<strong>Penting</strong>" in page
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page


def test_poster_must_be_an_image(client, login, kotim, make_event):
    event = make_event(kotim["org"])
    login(kotim["user"])
    form = {
        k: v
        for k, v in _new_event_form(kind="sosialisasi", mode="luring").items()
        if k not in ("day", "start", "end")
    }
    response = post_form(
        client,
        f"/kelola/acara/{event.id}/ubah",
        {**form, "poster": (io.BytesIO(b"GIF89a not a png"), "poster.png")},
        content_type="multipart/form-data",
    )
    assert "Gambar harus berupa berkas PNG atau JPEG." in response.get_data(as_text=True)


def test_changing_the_time_zone_keeps_the_typed_hours(db, make_event, kotim):
    event = make_event(kotim["org"])
    data = services.EventData.from_event(event)
    data.timezone = "Asia/Jayapura"
    services.update_event(system_actor(), event, data, utcnow())
    assert event.sessions[0].starts_at.time() == time(0, 0)  # 09.00 WIT is 00.00 UTC


def test_duplicate_moves_sessions_and_keeps_the_programme(client, login, db, kotim, make_event):
    event = make_event(
        kotim["org"],
        sessions=[
            services.SessionData(day=datetime(2026, 12, 1).date(), start=time(8), end=time(16)),
            services.SessionData(day=datetime(2026, 12, 2).date(), start=time(8), end=time(12)),
        ],
    )
    services.add_person(system_actor(), event, services.PersonData(role="narasumber", name="Marjuki"))
    login(kotim["user"])
    response = post_form(client, f"/kelola/acara/{event.id}/duplikat", {"first_day": "2027-01-05"})
    copy = db.session.get(Event, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert copy.status == EventStatus.DRAFT and copy.slug != event.slug
    assert [s.starts_at for s in copy.sessions] == [
        datetime(2027, 1, 5, 1, tzinfo=UTC),
        datetime(2027, 1, 6, 1, tzinfo=UTC),
    ]
    assert [p.name for p in copy.people] == ["Marjuki"]


def test_cancelling_an_event_tells_everyone_registered(client, login, db, kotim, make_event, mailbox):
    event = make_event(kotim["org"], venue_capacity=1)
    now = utcnow()
    registration.register(event, registrant(email="a@example.org", notify_by="email", phone=""), now)
    registration.register(
        event, registrant(email="b@example.org", notify_by="email", phone="", name="Kedua"), now
    )
    mailbox.clear()
    login(kotim["user"])
    response = post_form(client, f"/kelola/acara/{event.id}/batalkan", {"reason": "Banjir di Kota Besi"})
    assert response.status_code == 302
    assert sorted(m["To"] for m in mailbox) == ["a@example.org", "b@example.org"]
    assert all("Banjir di Kota Besi" in mail_text(m) for m in mailbox)
    page = client.get(f"/acara/{event.slug}").get_data(as_text=True)
    assert "Acara ini dibatalkan." in page and "Daftar sekarang" not in page


def test_history_shows_who_changed_what(client, login, db, kotim, make_event):
    event = make_event(kotim["org"])
    old_title = event.title
    login(kotim["user"])
    form = {
        k: v
        for k, v in _new_event_form(kind="sosialisasi", mode="luring", title="Judul Baru").items()
        if k not in ("day", "start", "end")
    }
    registration.cancel(registration.register(event, registrant(), utcnow()).registration, utcnow())
    form["registration_opens_at"] = "2026-12-01T08:00"
    post_form(client, f"/kelola/acara/{event.id}/ubah", form)
    page = client.get(f"/kelola/acara/{event.id}/riwayat").get_data(as_text=True)
    assert "Data acara diubah" in page and f"Judul: {old_title} → Judul Baru" in page
    assert "Pendaftaran dibuka: — → Selasa, 1 Desember 2026, 08.00 WITA" in page
    assert "Acara diterbitkan" in page and "Pendaftaran dibatalkan peserta" in page
    assert kotim["user"].name in page
    for internal in ("event updated", "published", "registration", "T08:00", "+00:00"):
        assert internal not in page, internal


def test_another_office_event_is_not_found(client, login, make_org, make_user, make_event, kotim):
    other = make_event(make_org("Diskominfo Kabupaten Katingan", area="Katingan"))
    login(kotim["user"])
    for url in (
        "",
        "/ubah",
        "/peserta",
        "/peserta/ekspor.csv",
        "/rekap",
        "/undangan",
        "/riwayat",
        "/duplikat",
    ):
        assert client.get(f"/kelola/acara/{other.id}{url}").status_code == 404, url
    own = make_event(kotim["org"])
    response = post_form(
        client,
        f"/kelola/acara/{other.id}/batalkan",
        {"reason": "x"},
        form_url=f"/kelola/acara/{own.id}/batalkan",
    )
    assert response.status_code == 404


def test_checkin_staff_cannot_manage_events(client, login, make_user, make_event, kotim):
    event = make_event(kotim["org"])
    login(make_user(kotim["org"], role=Role.CHECKIN))
    assert client.get("/kelola/acara/").status_code == 403
    assert client.get(f"/kelola/acara/{event.id}/peserta").status_code == 403


def test_public_list_filters_and_past_events(client, make_event, kotim):
    make_event(kotim["org"], title="Sosialisasi Luring")
    make_event(
        kotim["org"],
        title="Webinar Daring",
        kind="webinar",
        mode="daring",
        venue_name="",
        online_capacity=100,
    )
    past_day = (utcnow() - timedelta(days=30)).date()
    make_event(kotim["org"], title="Rakor Lalu", sessions=[services.SessionData(past_day, time(9), time(10))])
    upcoming = client.get("/acara").get_data(as_text=True)
    assert "Sosialisasi Luring" in upcoming and "Webinar Daring" in upcoming and "Rakor Lalu" not in upcoming
    webinars = client.get("/acara?jenis=webinar").get_data(as_text=True)
    assert "Webinar Daring" in webinars and "Sosialisasi Luring" not in webinars
    assert "Rakor Lalu" in client.get("/acara?waktu=lalu").get_data(as_text=True)


def test_a_bad_poster_on_a_new_event_saves_nothing(client, login, db, kotim):
    login(kotim["user"])
    response = post_form(
        client,
        "/kelola/acara/baru?jenis=webinar",
        {**_new_event_form(), "poster": (io.BytesIO(b"%PDF-1.4"), "poster.jpg")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "Gambar harus berupa berkas PNG atau JPEG." in page and 'value="Webinar Literasi Digital"' in page
    assert db.session.scalar(select(Event)) is None


def test_staff_see_their_office_in_the_header(client, login, kotim):
    login(kotim["user"])
    page = client.get("/kelola/acara/").get_data(as_text=True)
    assert "<strong>Diskominfo Kabupaten Kotawaringin Timur</strong>" in page


def test_the_programme_lists_speakers_before_the_moderator(client, db, kotim, make_event):
    event = make_event(kotim["org"])
    for role, name in (("panitia", "Panitia Satu"), ("moderator", "Nur Aini"), ("narasumber", "Dr. Agus")):
        services.add_person(system_actor(), event, services.PersonData(role, name))
    db.session.expire_all()
    page = client.get(f"/acara/{event.slug}").get_data(as_text=True)
    assert page.index("Dr. Agus") < page.index("Nur Aini") < page.index("Panitia Satu")


def test_organizers_correct_someone_on_the_programme(client, login, db, kotim, make_event):
    event = make_event(kotim["org"])
    person = services.add_person(system_actor(), event, services.PersonData("narasumber", "Dr. Agus"))
    login(kotim["user"])
    assert f"/kelola/acara/{event.id}/orang/{person.id}/ubah" in client.get(
        f"/kelola/acara/{event.id}"
    ).get_data(as_text=True)
    url = f"/kelola/acara/{event.id}/orang/{person.id}/ubah"
    fields = {"role": "narasumber", "name": "Dr. Agus Siswadi, M.Kom.", "title": "Kepala Bidang IKP"}
    bad = post_form(client, url, {**fields, "email": "agus@"}).get_data(as_text=True)
    assert "Alamat e-mail tidak valid." in bad and 'value="Dr. Agus Siswadi, M.Kom."' in bad
    post_form(client, url, {**fields, "email": "agus@example.org"})
    db.session.refresh(person)
    assert (person.name, person.title, person.email) == (
        "Dr. Agus Siswadi, M.Kom.",
        "Kepala Bidang IKP",
        "agus@example.org",
    )
    history = client.get(f"/kelola/acara/{event.id}/riwayat").get_data(as_text=True)
    assert (
        "Data Dr. Agus Siswadi, M.Kom. di susunan acara diubah" in history
        and "Jabatan: — → Kepala Bidang IKP" in history
    )


def test_a_two_day_event_reads_as_one_span_of_days(client, login, make_event, kotim):
    first = (utcnow() + timedelta(days=60)).date()
    second = first + timedelta(days=1)
    event = make_event(
        kotim["org"],
        title="Bimtek Dua Hari",
        sessions=[
            services.SessionData(first, time(9), time(12)),
            services.SessionData(second, time(9), time(12)),
        ],
    )
    expected = format_days(first, second, "id")
    assert "–" in expected
    assert expected in client.get("/acara").get_data(as_text=True)
    login(kotim["user"])
    assert expected in client.get("/kelola/acara/").get_data(as_text=True)
    assert expected in client.get(f"/acara/{event.slug}/daftar").get_data(as_text=True)


def test_the_organizers_list_searches_filters_and_keeps_past_events(client, login, kotim, make_event):
    make_event(kotim["org"], title="Sosialisasi Literasi Digital")
    make_event(
        kotim["org"], title="Webinar Hoaks", kind="webinar", mode="daring", venue_name="", online_capacity=50
    )
    past_day = (utcnow() - timedelta(days=30)).date()
    make_event(
        kotim["org"], title="Rakor Bulan Lalu", sessions=[services.SessionData(past_day, time(9), time(10))]
    )
    make_event(kotim["org"], title="Draf Tanpa Sesi Lain", publish=False)
    login(kotim["user"])
    upcoming = client.get("/kelola/acara/").get_data(as_text=True)
    assert "Sosialisasi Literasi Digital" in upcoming and "Draf Tanpa Sesi Lain" in upcoming
    assert "Rakor Bulan Lalu" not in upcoming
    past = client.get("/kelola/acara/?waktu=lalu").get_data(as_text=True)
    assert "Rakor Bulan Lalu" in past and "Sosialisasi Literasi Digital" not in past
    found = client.get("/kelola/acara/?waktu=semua&q=hoaks").get_data(as_text=True)
    assert "Webinar Hoaks" in found and "Sosialisasi Literasi Digital" not in found
    assert 'href="/kelola/acara/?waktu=lalu&amp;q=hoaks"' in found  # the tabs keep the search
    webinars = client.get("/kelola/acara/?jenis=webinar").get_data(as_text=True)
    assert "Webinar Hoaks" in webinars and "Sosialisasi Literasi Digital" not in webinars
    drafts = client.get("/kelola/acara/?waktu=semua&status=draft").get_data(as_text=True)
    assert "Draf Tanpa Sesi Lain" in drafts and "Webinar Hoaks" not in drafts


def test_the_organizers_start_page_shows_todays_sessions_with_check_ins(
    client, login, db, kotim, make_event, make_org
):
    from eventapp.attendance import services as attendance
    from eventapp.registration import services as registration
    from tests.factories import arrived, registrant, under_way

    event = make_event(kotim["org"], title="Bimtek Hari Ini", venue_capacity=2)
    people = [
        registration.register(event, registrant(name=f"Peserta {n}", phone=f"08137777000{n}"), utcnow())
        for n in range(3)
    ]
    under_way(event.sessions[0])
    attendance.check_in(
        system_actor(), event, event.sessions[0], people[0].registration, arrived(event.sessions[0])
    )
    make_event(kotim["org"], title="Sosialisasi Besok")
    elsewhere = make_event(
        make_org(name="Diskominfo Lain", area="Kotawaringin Barat"), title="Acara Kantor Lain"
    )
    under_way(elsewhere.sessions[0])
    login(kotim["user"])
    page = client.get("/kelola/acara/").get_data(as_text=True)
    today = page[page.index('id="today"') : page.index("</section>")]
    assert "Bimtek Hari Ini" in today and "berlangsung" in today
    assert "2 terdaftar" in today and "1 menunggu" in today and "1 dari 2 hadir" in today
    assert "Sosialisasi Besok" not in today and "Acara Kantor Lain" not in today


def test_an_edit_whose_consequences_fail_saves_nothing_and_sends_nothing(db, kotim, make_event, mailbox):
    from eventapp.audit.models import AuditEntry
    from eventapp.outbox.models import OutboxMessage
    from eventapp.outbox.services import queue_email

    event = make_event(kotim["org"], title="Sosialisasi Awal")
    registration.register(event, registrant(email="siti@example.org", notify_by="email"), utcnow())
    mailbox.clear()

    def failing_feature(sender, **kwargs):
        queue_email("panitia@example.org", "Perubahan", "Acara diubah")
        raise RuntimeError("a feature reacting to the edit failed")

    services.event_changed.connect(failing_feature)
    try:
        with pytest.raises(RuntimeError):
            services.update_event(
                system_actor(),
                event,
                services.EventData.from_event(event, title="Sosialisasi Diubah", venue_name="Aula Lain"),
                utcnow(),
            )
    finally:
        services.event_changed.disconnect(failing_feature)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Event, event.id).venue_name == "Aula Kecamatan Kota Besi"
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # the confirmation only
    assert not db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "updated"))
    assert mailbox == []


def test_each_change_to_an_event_is_one_commit_with_its_messages(
    db, kotim, make_event, mailbox, count_commits
):
    event = make_event(kotim["org"], venue_capacity=1)
    registration.register(
        event, registrant(phone="081377770001", email="siti@example.org", notify_by="email"), utcnow()
    )
    waiting = registration.register(
        event, registrant(phone="081377770002", email="budi@example.org", notify_by="email"), utcnow()
    )
    mailbox.clear()
    day = (utcnow() + timedelta(days=2)).date()
    actions = {
        "more seats and a new hall": lambda: services.update_event(
            system_actor(),
            event,
            services.EventData.from_event(event, venue_capacity=2, venue_name="Aula Baru"),
            utcnow(),
        ),
        "a session added": lambda: services.add_session(
            system_actor(), event, services.SessionData(day, time(9), time(12)), utcnow()
        ),
        "a session moved": lambda: services.update_session(
            system_actor(), event.sessions[1], services.SessionData(day, time(13), time(15)), utcnow()
        ),
        "a session removed": lambda: services.remove_session(system_actor(), event.sessions[1], utcnow()),
        "the event cancelled": lambda: services.cancel_event(system_actor(), event, "Banjir", utcnow()),
    }
    for name, action in actions.items():
        sent_before = len(mailbox)
        with count_commits() as commits:
            action()
        assert len(commits) == 1, name
        assert len(mailbox) > sent_before, name  # and its messages left after that one commit
    db.session.refresh(waiting.registration)
    assert waiting.registration.promoted_at is not None  # the added seat went to the waiting list


def test_a_provincial_office_runs_events_for_the_whole_province(client, login, db, make_user):
    from eventapp.accounts import services as accounts
    from eventapp.accounts.models import OrganizationLevel
    from eventapp.regions.models import RegionLevel
    from eventapp.regions.services import find_child_by_name

    kalteng = find_child_by_name(None, RegionLevel.PROVINSI, "Kalimantan Tengah")
    province = accounts.create_organization(
        None,
        accounts.OrganizationData(
            "Diskominfosantik Kalimantan Tengah", OrganizationLevel.PROVINSI, kalteng.id
        ),
    )
    login(make_user(province))
    page = client.get("/kelola/acara/baru?jenis=webinar").get_data(as_text=True)
    assert 'value="">Seluruh provinsi</option>' in page
    post_form(client, "/kelola/acara/baru?jenis=webinar", _new_event_form(region_id=""))
    event = db.session.scalar(select(Event))
    assert event.region_id is None
    response = post_form(
        client, f"/kelola/acara/{event.id}/ubah", _new_event_form(region_id="", online_capacity="500")
    )
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.online_capacity == 500 and event.region_id is None


def test_a_misspelt_status_is_refused_when_written_and_statuses_read_back_as_enums(db, kotim, make_event):
    event = make_event(kotim["org"])
    db.session.expire_all()
    assert db.session.get(Event, event.id).status is EventStatus.PUBLISHED
    event = db.session.get(Event, event.id)
    event.status = "publised"
    with pytest.raises(StatementError, match="'publised' is not a valid EventStatus"):
        db.session.flush()
    db.session.rollback()
