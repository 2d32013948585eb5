"""Journeys in a real browser (the Debian Chromium, headless) at phone size, 360×740."""

import shutil
import socket
import threading
from contextlib import closing

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def live_server(app):
    """The test app served over HTTP on a free loopback port, for the browser."""
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


@pytest.fixture
def phone_page():
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs the Debian package chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(viewport=PHONE, locale="id-ID")
        page = context.new_page()
        refused: list[str] = []
        page.on(
            "console",
            lambda message: refused.extend([message.text] if "Security Policy" in message.text else []),
        )
        yield page
        browser.close()
    assert refused == [], "the Content-Security-Policy blocked part of a page"


def _fill_registration(page, name: str, phone: str, gender: str) -> None:
    """Fill the public form as a person does (not a KIM member) and send it."""
    page.get_by_label("Nama lengkap").fill(name)
    page.get_by_label("Nomor WhatsApp").fill(phone)
    page.get_by_label(gender).check()
    page.get_by_label("Pekerjaan").select_option(label="Pedagang")
    page.get_by_label("KIM", exact=True).select_option(label="Bukan anggota KIM")
    page.get_by_label("Instansi/lembaga (bila bukan anggota KIM)").fill("Kantor Desa Camba")
    page.get_by_label("Saya setuju data saya dipakai panitia untuk acara ini.").check()
    page.get_by_role("button", name="Daftar", exact=True).click()


def _sign_in(page, live_server: str, email: str) -> None:
    from tests.factories import PASSWORD

    page.goto(f"{live_server}/kelola/masuk")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_register_see_code_and_qr_then_cancel_at_phone_width(live_server, phone_page, make_org, make_event):
    event = make_event(make_org(), title="Sosialisasi Pembentukan KIM", venue_capacity=20)
    page = phone_page
    page.goto(f"{live_server}/acara/{event.slug}")
    expect(page.get_by_role("heading", name="Sosialisasi Pembentukan KIM")).to_be_visible()
    page.get_by_role("button", name="Daftar sekarang").click()

    _fill_registration(page, "Siti Rahmah", "0812 5100 0001", "Perempuan")

    expect(page.get_by_text("Pendaftaran berhasil")).to_be_visible()
    code = page.locator("#registration-code")
    expect(code).to_have_text(__import__("re").compile(r"^[A-Z0-9]{3}-[A-Z0-9]{4}$"))
    expect(page.locator(".qr svg")).to_be_visible()
    # Nothing on the participant page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    own_page = page.url

    # The name on the certificate can be checked and a correction asked for.
    page.get_by_text("Nama di sertifikat: Siti Rahmah").click()
    page.get_by_label("Tulis nama lengkap dan gelar seperti yang harus tercetak").fill("Siti Rahmah, S.Pd.")
    page.get_by_role("button", name="Ajukan perbaikan nama").click()
    expect(page.get_by_text("Permintaan perbaikan nama terkirim ke panitia.")).to_be_visible()

    # Someone else typing the same number learns nothing of the registration.
    page.goto(f"{live_server}/acara/{event.slug}/daftar")
    _fill_registration(page, "Orang Lain", "0812-5100-0001", "Laki-laki")
    expect(
        page.get_by_role("heading", name="Nomor/e-mail ini sudah terdaftar untuk acara ini")
    ).to_be_visible()
    expect(page.get_by_text("08•• •••• 0001")).to_be_visible()
    assert "Siti Rahmah" not in page.content() and "/p/" not in page.url

    page.goto(own_page)  # the participant page is a stable address of its own
    page.get_by_role("button", name="Batalkan pendaftaran").click()
    page.get_by_role("button", name="Ya, batalkan").click()
    expect(page.get_by_text("Pendaftaran Anda dibatalkan.")).to_be_visible()
    expect(page.locator(".badge-cancelled")).to_have_text("Dibatalkan")


def test_door_staff_check_in_by_typing_a_code_at_phone_width(
    live_server, phone_page, make_org, make_user, make_event
):
    from eventapp.accounts.models import Role
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from tests.factories import registrant, under_way

    org = make_org()
    event = make_event(org, title="Sosialisasi Kota Besi")
    siti = registration.register(event, registrant(name="Siti Rahmah"), utcnow()).registration
    under_way(event.sessions[0])
    staff = make_user(org, role=Role.CHECKIN, email="pintu@example.org")
    page = phone_page
    _sign_in(page, live_server, staff.email)
    page.get_by_role("link", name="Sosialisasi Kota Besi").click()

    scanner = page.get_by_label("Kode pendaftaran atau pindai QR")
    expect(scanner).to_be_focused()  # a handheld scanner types straight into it
    scanner.type(siti.code.replace("-", "").lower())
    scanner.press("Enter")
    expect(page.locator("#checkin-result")).to_contain_text("Tercatat hadir")
    expect(page.locator("#checkin-result")).to_contain_text("Siti Rahmah")
    expect(page.get_by_label("Kode pendaftaran atau pindai QR")).to_be_focused()  # ready for the next one

    scanner = page.get_by_label("Kode pendaftaran atau pindai QR")
    scanner.type(siti.code)
    scanner.press("Enter")
    expect(page.locator("#checkin-result")).to_contain_text("Sudah tercatat hadir pukul")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_attendee_downloads_the_certificate_and_verifies_it_at_phone_width(
    app, live_server, phone_page, make_org, make_event
):
    certificate = _held_with_a_certificate(
        app, make_event(make_org(signatory_name="Marjuki"), title="Bimtek")
    )
    siti = certificate.registration

    page = phone_page
    page.goto(f"{live_server}/p/{siti.token}")
    expect(page.get_by_text("memenuhi syarat sertifikat")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh sertifikat").click()
    assert download.value.suggested_filename == f"sertifikat-{certificate.code}.pdf"

    page.goto(f"{live_server}/verifikasi/{certificate.code}")
    expect(page.locator("#verification-status")).to_contain_text("SAH")
    expect(page.get_by_text("Siti Rahmah")).to_be_visible()
    expect(page.get_by_text(certificate.number)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _held_with_a_certificate(app, event):
    """Siti Rahmah attended `event`, which took place; her certificate is issued."""
    from eventapp.attendance import services as attendance
    from eventapp.certificates import services as certificates
    from eventapp.certificates.models import DEFAULT_WORDING
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration
    from tests.factories import arrived, registrant, system_actor, took_place

    siti = registration.register(event, registrant(name="Siti Rahmah"), utcnow()).registration
    attendance.check_in(system_actor(), event, event.sessions[0], siti, arrived(event.sessions[0]))
    certificates.save_settings(
        system_actor(),
        event,
        enabled=True,
        design="modern",
        number_pattern="{seq:03d}/SERT/{tahun}",
        event_code="BLD",
        wording={str(k): dict(v) for k, v in DEFAULT_WORDING.items()},
        signatories=[certificates.SignatoryData("Marjuki", "Kepala Dinas")],
        upload_dir=app.config["UPLOAD_DIR"],
    )
    took_place(event)
    (certificate,) = certificates.issue_all(system_actor(), event, utcnow()).issued
    return certificate


def test_staff_pages_fit_a_phone(app, live_server, phone_page, make_org, make_user, make_event, make_kim):
    from eventapp.accounts.models import Role
    from eventapp.dbtypes import utcnow
    from eventapp.registration import invitations
    from eventapp.registration import services as registration
    from tests.factories import registrant, under_way

    org = make_org()
    event = make_event(org, kind="rakor")
    registration.register(
        event, registrant(name="Siti Rahmah binti Abdullah Wahab", email="siti.rahmah@example.org"), utcnow()
    )
    invitations.invite_person(make_user(org), event, "Kepala Desa Camba", "081377770123", "")
    under_way(event.sessions[0])  # on the start page's "Hari ini"
    held = _held_with_a_certificate(app, make_event(org, title="Bimtek Yang Sudah Lewat")).event
    kim = make_kim(org, members=3, chair=True)
    admin = make_user(None, role=Role.ADMIN, email="admin@kalteng.example")
    page = phone_page
    _sign_in(page, live_server, admin.email)
    for path in (
        "/kelola/acara/",
        f"/kelola/acara/{event.id}",
        f"/kelola/acara/{event.id}/peserta",
        f"/kelola/acara/{event.id}/undangan",
        f"/kelola/acara/{event.id}/riwayat",
        f"/kelola/acara/{held.id}/sertifikat/",
        "/kelola/pesan/",
        "/kelola/kim/",
        f"/kelola/kim/{kim.id}",
        "/kelola/laporan/presensi",
    ):
        page.goto(f"{live_server}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        expect(page.get_by_role("button", name="Keluar")).to_be_in_viewport()
        # Lists become cards: no column is hidden beyond the right edge of its table.
        hidden = page.evaluate(
            "[...document.querySelectorAll('table')]"
            ".filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length"
        )
        assert hidden == 0, path


def _no_axe_violations(page) -> None:
    """axe-core finds nothing wrong with the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page)
    assert found.violations_count == 0, found.generate_report()


def test_register_with_the_events_questions_attend_evaluate_and_download_the_certificate(
    live_server, phone_page, app, make_org, make_event
):
    """The whole Google-Form-free journey at phone width: two extra questions on the form,
    attendance, the evaluation that unlocks the certificate, the PDF."""
    from datetime import time, timedelta

    from eventapp.attendance import services as attendance
    from eventapp.dbtypes import utcnow
    from eventapp.events import services as events
    from eventapp.questionnaires import services as forms
    from eventapp.questionnaires.models import Purpose
    from eventapp.registration.models import Registration
    from tests.factories import arrived, evaluation_for_certificate, system_actor, took_place
    from tests.test_certificates import _settings

    day = (utcnow() + timedelta(days=1)).date()
    event = make_event(
        make_org(), title="Webinar Literasi Digital", sessions=[events.SessionData(day, time(9), time(11))]
    )
    questions = forms.create(system_actor(), event, Purpose.REGISTRATION, utcnow())
    for data in (
        forms.QuestionData(
            "pilihan", "Dari mana Anda tahu acara ini?", required=True, options=["Radio", "WhatsApp"]
        ),
        forms.QuestionData("teks", "Topik yang ingin dibahas"),
    ):
        forms.save_question(system_actor(), questions, data, utcnow())
    evaluation_for_certificate(event)
    _settings(app, event, event_code="WLD")

    page = phone_page
    page.goto(f"{live_server}/acara/{event.slug}/daftar")
    _no_axe_violations(page)
    page.get_by_label("Topik yang ingin dibahas").fill("Hoaks di grup WhatsApp")
    _fill_registration(page, "Siti Rahmah", "0812 5100 0009", "Perempuan")
    # The required question was left out: said next to it, and what was typed is still there.
    expect(page.get_by_text("Pilih satu jawaban.")).to_be_visible()
    expect(page.get_by_label("Topik yang ingin dibahas")).to_have_value("Hoaks di grup WhatsApp")
    _no_axe_violations(page)
    page.get_by_role("group", name="Dari mana Anda tahu acara ini?").get_by_label("WhatsApp").check()
    page.get_by_label("Saya setuju data saya dipakai panitia untuk acara ini.").check()
    page.get_by_role("button", name="Daftar", exact=True).click()
    expect(page.get_by_text("Pendaftaran berhasil")).to_be_visible()
    own_page = page.url

    person = app.extensions["sqlalchemy"].session.query(Registration).filter_by(name="Siti Rahmah").one()
    attendance.check_in(system_actor(), event, event.sessions[0], person, arrived(event.sessions[0]))
    took_place(event)

    page.goto(own_page)
    expect(page.get_by_text("Untuk sertifikat, Anda masih perlu: mengisi evaluasi.")).to_be_visible()
    page.get_by_role("link", name="Evaluasi").click()
    _no_axe_violations(page)
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_text("Pertanyaan ini wajib dijawab.")).to_be_visible()
    page.get_by_label("Saran").fill("Tambah sesi praktik")
    page.get_by_label("5").check()
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_text("Terima kasih, jawaban Anda sudah kami terima.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh sertifikat").click()
    assert download.value.suggested_filename.startswith("sertifikat-")


def test_every_participant_form_page_passes_axe_at_phone_width(live_server, phone_page, make_org, make_event):
    """The pre-test's start page and questions, the code page of an event that verifies
    numbers, and 'Cari sertifikat': no axe-core violations, nothing wider than the phone."""
    from datetime import time, timedelta

    from eventapp.dbtypes import utcnow
    from eventapp.events import services as events
    from eventapp.questionnaires import services as forms
    from eventapp.questionnaires.models import Purpose
    from eventapp.registration import services as registration
    from tests.factories import registrant, system_actor

    day = (utcnow() + timedelta(days=2)).date()
    org = make_org()
    bimtek = make_event(org, kind="bimtek", sessions=[events.SessionData(day, time(8), time(12))])
    pretest = forms.create(system_actor(), bimtek, Purpose.PRETEST, utcnow())
    for n in (1, 2):
        data = forms.QuestionData("soal", f"Soal {n}", options=["Salah", "Benar"], correct_option=2)
        forms.save_question(system_actor(), pretest, data, utcnow())
    forms.save_settings(
        system_actor(), pretest, forms.SettingsData(title="Pre-test", time_limit_minutes=20), utcnow()
    )
    person = registration.register(bimtek, registrant(phone="081251000031"), utcnow()).registration
    verified = make_event(org, verify_contact=True)
    page = phone_page

    page.goto(f"{live_server}/p/{person.token}/formulir/pretest")
    _no_axe_violations(page)
    page.get_by_role("button", name="Mulai tes").click()
    page.get_by_role("button", name="Kirim jawaban").click()  # nothing answered yet
    expect(page.get_by_text("Pilih satu jawaban.").first).to_be_visible()
    _no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(f"{live_server}/acara/{verified.slug}/daftar")
    _fill_registration(page, "Siti Rahmah", "0812 5100 0032", "Perempuan")
    expect(page.get_by_role("heading", name="Masukkan kode verifikasi")).to_be_visible()
    _no_axe_violations(page)

    page.goto(f"{live_server}/sertifikat")
    _no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
