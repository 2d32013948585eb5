"""Signing in, roles, user management, password reset by e-mail and office profiles."""

import io
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from eventapp.accounts.models import Organization, Role, User
from eventapp.outbox.models import OutboxMessage, OutboxStatus
from tests.conftest import mail_text, post_form, region
from tests.factories import PASSWORD


def test_organizer_signs_in_and_lands_on_the_event_list(client, make_org, make_user):
    user = make_user(make_org())
    response = post_form(client, "/kelola/masuk", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).headers["Location"].endswith("/kelola/acara/")


def test_wrong_password_keeps_the_email_and_says_so(client, make_org, make_user):
    user = make_user(make_org())
    response = post_form(client, "/kelola/masuk", {"email": user.email, "password": "salah-sekali"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "E-mail atau kata sandi salah." in page
    assert f'value="{user.email}"' in page


def test_login_is_rate_limited(client, make_org, make_user):
    user = make_user(make_org())
    statuses = [
        post_form(client, "/kelola/masuk", {"email": user.email, "password": "salah"}).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_session_cookie_is_http_only_and_same_site(client, make_org, make_user):
    user = make_user(make_org())
    response = post_form(client, "/kelola/masuk", {"email": user.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_signed_out_visitor_is_sent_to_the_login_page(client):
    response = client.get("/kelola/kim/")
    assert response.status_code == 302
    assert "/kelola/masuk" in response.headers["Location"]


def test_deactivated_account_cannot_sign_in(client, make_org, make_user):
    user = make_user(make_org(), active=False)
    response = post_form(client, "/kelola/masuk", {"email": user.email, "password": PASSWORD})
    assert "E-mail atau kata sandi salah." in response.get_data(as_text=True)


def test_checkin_staff_reach_no_organizer_page(client, login, make_org, make_user, make_kim):
    org = make_org()
    kim = make_kim(org)
    login(make_user(org, role=Role.CHECKIN))
    for url in (
        "/kelola/kim/",
        f"/kelola/kim/{kim.id}",
        "/kelola/kim/impor",
        "/kelola/kim/ekspor.csv",
        "/kelola/pengguna/",
        f"/kelola/organisasi/{org.id}",
    ):
        assert client.get(url).status_code == 403, url


def test_only_admins_manage_users(client, login, make_org, make_user):
    org = make_org()
    login(make_user(org))
    assert client.get("/kelola/pengguna/").status_code == 403
    assert client.get("/kelola/pengguna/baru").status_code == 403


def test_admin_creates_an_organizer_who_can_then_sign_in(client, login, db, make_org, make_user):
    org = make_org()
    login(make_user(role=Role.ADMIN))
    response = post_form(
        client,
        "/kelola/pengguna/baru",
        {
            "name": "Budi Santoso",
            "email": "budi@kotim.example",
            "role": "organizer",
            "organization_id": org.id,
            "active": "y",
            "password": "rahasia-baru-99",
        },
    )
    assert response.status_code == 302
    assert "budi@kotim.example" in client.get("/kelola/pengguna/").get_data(as_text=True)
    created = db.session.scalar(select(User).where(User.email == "budi@kotim.example"))
    assert created.check_password("rahasia-baru-99")
    assert created.organization_id == org.id


def test_user_form_errors_keep_what_was_typed(client, login, make_org, make_user):
    org = make_org()
    login(make_user(role=Role.ADMIN))
    response = post_form(
        client,
        "/kelola/pengguna/baru",
        {
            "name": "Siti Aminah",
            "email": "siti@kotim.example",
            "role": "organizer",
            "organization_id": org.id,
            "password": "pendek",
        },
    )
    page = response.get_data(as_text=True)
    assert "Kata sandi minimal 10 karakter." in page
    assert 'value="Siti Aminah"' in page
    assert 'value="siti@kotim.example"' in page


def test_create_admin_command(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-admin",
            "--email",
            "kepala@kalteng.example",
            "--name",
            "Kepala",
            "--password",
            "sangat-rahasia-1",
        ]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "kepala@kalteng.example"))
    assert admin.role == Role.ADMIN


def test_password_reset_link_arrives_by_mail_and_works_once(client, db, make_org, make_user, mailbox):
    user = make_user(make_org(), email="rina@kotim.example")
    response = post_form(client, "/kelola/lupa-sandi", {"email": "rina@kotim.example"})
    assert response.status_code == 302
    assert len(mailbox) == 1
    assert mailbox[0]["To"] == "rina@kotim.example"
    link = re.search(r"http://eventapp.test(/kelola/sandi/\S+)", mail_text(mailbox[0])).group(1)
    response = post_form(client, link, {"password": "kata-sandi-baru-1", "confirm": "kata-sandi-baru-1"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("kata-sandi-baru-1")
    reused = post_form(client, link, {"password": "lagi-lagi-baru-2", "confirm": "lagi-lagi-baru-2"})
    assert "Tautan sudah dipakai atau tidak valid." in reused.get_data(as_text=True)


def test_reset_for_unknown_address_looks_the_same_and_sends_nothing(client, mailbox):
    response = post_form(client, "/kelola/lupa-sandi", {"email": "tidak-ada@example.org"})
    assert response.status_code == 302
    assert mailbox == []


def test_mail_that_cannot_be_delivered_stays_in_the_outbox_and_is_retried(
    app, client, db, make_org, make_user, mailbox
):
    from eventapp.dbtypes import utcnow
    from eventapp.outbox.jobs import sweep

    make_user(make_org(), email="rina@kotim.example")
    real_port = app.config["MAIL_PORT"]
    app.extensions["mailman"].port = 1  # nothing listens there
    try:
        response = post_form(client, "/kelola/lupa-sandi", {"email": "rina@kotim.example"})
    finally:
        app.extensions["mailman"].port = real_port
    assert response.status_code == 302
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    # The organizer reads what happened; the exception, which may name hosts, is in the log.
    assert message.last_error == "Server e-mail tidak dapat dihubungi."
    assert mailbox == []

    sweep(utcnow())  # the next try is a minute away
    assert mailbox == []
    sweep(utcnow() + timedelta(minutes=1))
    db.session.refresh(message)
    assert message.status == OutboxStatus.SENT
    assert len(mailbox) == 1


def _png(size=(40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format="PNG")
    return buffer.getvalue()


def test_organizer_uploads_a_logo_and_edits_the_letterhead(client, login, db, make_org, make_user):
    org = make_org()
    login(make_user(org))
    response = post_form(
        client,
        f"/kelola/organisasi/{org.id}",
        {
            "name": org.name,
            "letterhead": "PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR\nDINAS KOMUNIKASI DAN INFORMATIKA",
            "city": "Sampit",
            "signatory_name": "Marjuki",
            "signatory_nip": "197305121993031004",
            "signatory_title": "Kepala Dinas",
            "logo": (io.BytesIO(_png()), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.letterhead_lines == [
        "PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR",
        "DINAS KOMUNIKASI DAN INFORMATIKA",
    ]
    assert org.city == "Sampit"
    assert org.logo_filename.endswith(".png")
    assert client.get(f"/unggahan/logos/{org.logo_filename}").status_code == 200


def test_logo_that_is_not_an_image_is_refused_and_nothing_changes(client, login, db, make_org, make_user):
    org = make_org()
    login(make_user(org))
    response = post_form(
        client,
        f"/kelola/organisasi/{org.id}",
        {
            "name": "Nama Baru",
            "logo": (io.BytesIO(b"<script>alert(1)</script>"), "logo.png"),
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "Gambar harus berupa berkas PNG atau JPEG." in page
    assert 'value="Nama Baru"' in page
    db.session.refresh(org)
    assert org.name == "Diskominfo Kabupaten Kotawaringin Timur"
    assert org.logo_filename is None


def test_oversized_logo_is_refused(client, login, make_org, make_user):
    org = make_org()
    login(make_user(org))
    huge = io.BytesIO()
    Image.effect_noise((1100, 1100), 90).convert("RGB").save(huge, format="PNG")
    assert huge.tell() > 1024 * 1024
    huge.seek(0)
    response = post_form(
        client,
        f"/kelola/organisasi/{org.id}",
        {"name": org.name, "logo": (huge, "logo.png")},
        content_type="multipart/form-data",
    )
    assert "Gambar terlalu besar: maksimal 1 MB." in response.get_data(as_text=True)


def test_organizer_cannot_open_another_office_profile(client, login, db, make_org, make_user):
    own = make_org()
    other = make_org("Diskominfo Kabupaten Katingan", area="Katingan")
    login(make_user(own))
    assert client.get(f"/kelola/organisasi/{other.id}").status_code == 404
    response = post_form(
        client,
        f"/kelola/organisasi/{other.id}",
        {"name": "Diambil alih"},
        form_url=f"/kelola/organisasi/{own.id}",
    )
    assert response.status_code == 404
    assert db.session.get(Organization, other.id).name == "Diskominfo Kabupaten Katingan"


def test_admin_registers_a_new_office(client, login, db, make_user):
    login(make_user(role=Role.ADMIN))
    assert "Kabupaten Katingan" in client.get("/kelola/organisasi/baru").get_data(as_text=True)
    katingan = region("Katingan")
    response = post_form(
        client,
        "/kelola/organisasi/baru",
        {
            "name": "Diskominfo Kabupaten Katingan",
            "level": "kabupaten_kota",
            "region_id": katingan.id,
            "email": "diskominfo@katingan.example",
        },
    )
    assert response.status_code == 302
    page = client.get("/kelola/organisasi/").get_data(as_text=True)
    assert "Diskominfo Kabupaten Katingan" in page and "Kabupaten Katingan" in page


def test_organizer_edits_own_profile_without_moving_its_area(client, login, db, make_org, make_user):
    org = make_org()
    login(make_user(org))
    form = client.get(f"/kelola/organisasi/{org.id}").get_data(as_text=True)
    assert 'name="region_id"' not in form
    response = post_form(
        client,
        f"/kelola/organisasi/{org.id}",
        {
            "name": org.name,
            "region_id": region("Katingan").id,
            "level": "provinsi",
            "phone": "(0531) 21234",
        },
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.phone, org.level, org.region.name) == (
        "(0531) 21234",
        "kabupaten_kota",
        "Kabupaten Kotawaringin Timur",
    )
