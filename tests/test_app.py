"""The application as a whole: settings, schema, error pages, language and dates."""

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cryptography.fernet import Fernet

from config import DEV_SECRET_KEY, check_production_settings
from eventapp import create_app
from eventapp.dbtypes import utcnow
from eventapp.extensions import db
from eventapp.i18n import format_date, format_datetime
from tests.conftest import post_form

PRODUCTION = {
    "ENV_NAME": "production",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/1",
    "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
}


@pytest.mark.parametrize(
    "key",
    [DEV_SECRET_KEY, f" {DEV_SECRET_KEY} ", "changeme", "12345678", "changeme" * 4, "ab" * 40, "", "x" * 31],
)
def test_production_refuses_a_weak_secret_key_and_says_how_to_make_one(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY") as error:
        create_app({**PRODUCTION, "SECRET_KEY": key})
    assert "secrets.token_hex(32)" in str(error.value)


def test_production_accepts_a_random_key():
    import secrets

    for key in (secrets.token_hex(32), secrets.token_urlsafe(32)):
        check_production_settings({**PRODUCTION, "SECRET_KEY": key})  # does not raise


def test_production_refuses_to_start_without_a_key_for_provider_tokens():
    import secrets

    with pytest.raises(RuntimeError, match="CREDENTIALS_KEYS") as error:
        create_app({**PRODUCTION, "SECRET_KEY": secrets.token_hex(32), "CREDENTIALS_KEYS": ""})
    assert "Fernet.generate_key()" in str(error.value)


def test_production_refuses_rate_limits_kept_in_one_process_memory():
    import secrets

    with pytest.raises(RuntimeError, match="redis://"):
        create_app({**PRODUCTION, "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": "memory://"})


def test_migrations_from_an_empty_database_produce_exactly_the_models_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_unknown_page_says_so_in_indonesian(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman yang Anda cari tidak ditemukan." in response.get_data(as_text=True)


def test_language_switch_turns_the_interface_to_english_and_back(client):
    page = client.get("/").get_data(as_text=True)
    assert "Masuk panitia" in page
    response = post_form(client, "/bahasa", {"lang": "en", "next": "/"}, form_url="/")
    assert response.status_code == 302
    assert "Organizer sign-in" in client.get("/").get_data(as_text=True)
    post_form(client, "/bahasa", {"lang": "id", "next": "/"}, form_url="/")
    assert "Masuk panitia" in client.get("/").get_data(as_text=True)


def test_the_site_has_an_icon(client):
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_password_managers_know_the_sign_in_fields(client):
    page = client.get("/kelola/masuk").get_data(as_text=True)
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page


def test_forms_without_csrf_token_are_refused(client):
    response = client.post("/bahasa", data={"lang": "en"})
    assert response.status_code == 400
    assert "Muat ulang halaman" in response.get_data(as_text=True)


def test_dates_render_the_indonesian_way():
    assert format_date(date(2021, 10, 14), locale="id") == "Kamis, 14 Oktober 2021"
    instant = datetime(2021, 10, 14, 2, 0, tzinfo=UTC)
    assert format_datetime(instant, "Asia/Jakarta", locale="id") == "Kamis, 14 Oktober 2021, 09.00 WIB"
    assert format_datetime(instant, "Asia/Makassar", locale="id") == "Kamis, 14 Oktober 2021, 10.00 WITA"
    assert format_datetime(instant, "Asia/Jayapura", locale="id") == "Kamis, 14 Oktober 2021, 11.00 WIT"
    assert format_datetime(instant, "Asia/Jakarta", locale="en") == "Thursday, 14 October 2021, 09:00 WIB"


def test_every_error_page_is_indonesian_styled_and_fits_a_phone(app):
    # An application of its own, not yet serving, with a page that fails like a bug would.
    failing = create_app({**app.config, "TESTING": False})

    @failing.route("/_rusak")
    def broken():
        raise RuntimeError("a bug")

    client = failing.test_client()
    pages = {
        400: client.get("/acara?q=a%00b"),
        404: client.get("/tidak-ada"),
        405: client.post("/acara"),
        413: client.post("/kelola/masuk", data="x" * (app.config["MAX_CONTENT_LENGTH"] + 1)),
        500: client.get("/_rusak"),
    }
    for status, page in pages.items():
        text = page.get_data(as_text=True)
        assert page.status_code == status
        assert '<meta name="viewport"' in text and 'href="/aset/gaya-' in text, status
        assert "Method Not Allowed" not in text and "Not Found" not in text, status


def test_demo_data_shows_the_whole_product_on_first_login(app, db, client):
    from sqlalchemy import func, select

    from eventapp.certificates.models import Certificate
    from eventapp.demo import DEMO_ACCOUNTS, load
    from eventapp.events.models import Event
    from eventapp.i18n import format_days
    from eventapp.registration.models import Invitation

    load(app.config["UPLOAD_DIR"])
    events = {e.title: e for e in db.session.scalars(select(Event))}
    bimtek = events["Bimtek Pengelolaan Konten Informasi Desa"]
    assert bimtek.ends_at < utcnow()
    issued = db.session.scalar(select(func.count(Certificate.id)).where(Certificate.event_id == bimtek.id))
    assert issued >= 5
    rakor = events["Rapat Koordinasi Ketua KIM se-Kotawaringin Timur"]
    assert rakor.audience == "undangan"
    assert db.session.scalar(select(func.count(Invitation.id)).where(Invitation.event_id == rakor.id)) >= 2
    webinar = events["Webinar Cek Fakta untuk Pengelola KIM"]
    upcoming = events["Bimtek Jurnalistik Warga bagi KIM Kotawaringin Timur"]
    assert webinar.starts_at <= utcnow() < webinar.ends_at and len(upcoming.sessions) == 2

    email, password, _role = DEMO_ACCOUNTS[1]
    post_form(client, "/kelola/masuk", {"email": email, "password": password})
    start = client.get("/kelola/acara/").get_data(as_text=True)
    today = start[start.index('id="today"') : start.index("</section>")]
    assert "Webinar Cek Fakta untuk Pengelola KIM" in today and "berlangsung" in today
    assert "8 terdaftar" in today and "3 menunggu" in today and "5 dari 8 hadir" in today
    assert format_days(*upcoming.local_days, "id") in start  # "15–16 Desember 2026"
    assert "Rapat Koordinasi Ketua KIM" in start
    finished = client.get("/kelola/acara/?waktu=lalu&status=finished").get_data(as_text=True)
    assert "Bimtek Pengelolaan Konten Informasi Desa" in finished  # held, and marked finished
    assert "sertifikat sudah terbit" in client.get(f"/kelola/acara/{bimtek.id}/sertifikat/").get_data(
        as_text=True
    )
    # The finished bimtek has a pre/post test and an evaluation to look at; the open webinar's
    # form asks two questions of its own.
    tests = client.get(f"/kelola/acara/{bimtek.id}/formulir/tes").get_data(as_text=True)
    assert "Rata-rata kenaikan" in tests and "Unsur berita yang menjawab" in tests
    evaluation = client.get(f"/kelola/acara/{bimtek.id}/formulir/evaluasi/hasil").get_data(as_text=True)
    assert "Penyampaian narasumber — Siti Mahmudah, S.I.Kom." in evaluation and "rata-rata" in evaluation
    literasi = events["Webinar Literasi Digital: Melawan Hoaks Menjelang Pilkada"]
    form = client.get(f"/acara/{literasi.slug}/daftar").get_data(as_text=True)
    assert "Dari mana Anda mengetahui webinar ini?" in form and "Pertanyaan untuk narasumber" in form


def test_sessions_read_the_indonesian_way():
    from eventapp.i18n import format_hours, format_span

    starts, ends = datetime(2026, 12, 15, 1, tzinfo=UTC), datetime(2026, 12, 15, 4, tzinfo=UTC)
    assert format_span(starts, ends, "Asia/Makassar", "id") == "Selasa, 15 Desember 2026, 09.00–12.00 WITA"
    late = datetime(2026, 12, 15, 17, tzinfo=UTC)
    assert format_span(starts, late, "Asia/Jakarta", "id") == (
        "Selasa, 15 Desember 2026, 08.00 WIB – Rabu, 16 Desember 2026, 00.00 WIB"
    )
    assert format_hours(starts, ends, "Asia/Jayapura", "id") == "10.00–13.00 WIT"


def test_event_days_read_the_indonesian_way():
    from eventapp.i18n import format_days

    assert format_days(date(2026, 12, 15), date(2026, 12, 16), "id") == "15–16 Desember 2026"
    assert format_days(date(2026, 11, 30), date(2026, 12, 2), "id") == "30 November – 2 Desember 2026"
    assert format_days(date(2026, 12, 30), date(2027, 1, 2), "id") == "30 Desember 2026 – 2 Januari 2027"
    assert format_days(date(2026, 12, 15), date(2026, 12, 15), "id") == "Selasa, 15 Desember 2026"


def test_the_english_catalogue_leaves_nothing_in_indonesian():
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parent.parent / "eventapp/translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as po:
        catalog = read_po(po)
    untranslated = [
        m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert untranslated == []
    assert any(m.id == "Periksa kembali isian yang ditandai di bawah." for m in catalog)  # _macros/ is read
