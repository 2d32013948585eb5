"""Certificates: settings and number pattern, eligibility, gap-free numbering under
concurrency, revocation and verification, escaping, PDF content and link, participant
downloads, bulk downloads, and mail."""

import gc
import io
import re
import zipfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from eventapp.attendance import services as attendance
from eventapp.certificates import bulk, pdf, services
from eventapp.certificates.models import BACKGROUNDS, DEFAULT_WORDING, BulkJob, Certificate
from eventapp.dbtypes import utcnow
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events import services as events
from eventapp.extensions import db as _db
from eventapp.i18n import format_day
from eventapp.registration import services as registration
from tests.conftest import at_once, post_form
from tests.factories import arrived, registrant, system_actor, took_place


def _settings(app, event, **overrides):
    values = {
        "enabled": True,
        "design": "klasik",
        "number_pattern": "{seq:03d}/SERT/{kode}/DISKOMINFO/{bulan_romawi}/{tahun}",
        "event_code": "KIM-KTB",
        "wording": {str(k): dict(v) for k, v in DEFAULT_WORDING.items()},
        "signatories": [
            services.SignatoryData("Marjuki, S.Sos., M.AP.", "Kepala Dinas", "197305121993031004")
        ],
        "upload_dir": app.config["UPLOAD_DIR"],
    }
    values.update(overrides)
    return services.save_settings(system_actor(), event, **values)


@pytest.fixture
def held(app, make_org, make_user, make_event):
    """A finished-looking event: two attended, one did not; a speaker on the programme."""
    org = make_org()
    day = (utcnow() + timedelta(days=1)).date()
    event = make_event(
        org,
        title="Bimtek Literasi Digital",
        venue_capacity=None,
        sessions=[events.SessionData(day, time(8), time(12))],
    )
    speaker = events.PersonData("narasumber", "Dr. Agus Siswadi", email="agus@example.org")
    events.add_person(system_actor(), event, speaker)
    now = utcnow()
    people = {}
    for key, name, phone, email in (
        ("siti", "Siti Rahmah", "081377770001", "siti@example.org"),
        ("odd", 'Ani <b>&</b> "Budi" O\'Neil', "081377770002", None),
        ("absent", "Tidak Datang", "081377770003", None),
    ):
        people[key] = registration.register(
            event, registrant(name=name, phone=phone, email=email or "", notify_by="both"), now
        ).registration
    for key in ("siti", "odd"):
        attendance.check_in(system_actor(), event, event.sessions[0], people[key], arrived(event.sessions[0]))
    _settings(app, event)
    took_place(event)
    return {"org": org, "event": event, "organizer": make_user(org), **people}


def test_number_pattern_is_checked(app, held):
    for pattern, message in (
        ("{seq}/{nama}", "Token tidak dikenal: nama"),
        ("SERT/{tahun}", "harus memuat {seq}"),
        ("{seq:03d/x", "tidak dapat dipakai"),
    ):
        with pytest.raises(ValidationFailed, match=message):
            _settings(app, held["event"], number_pattern=pattern)


def test_only_those_who_qualify_get_a_certificate_and_reissuing_keeps_numbers(db, held):
    event = held["event"]
    result = services.issue_all(system_actor(), event, utcnow())
    month = services.ROMAN_MONTHS[utcnow().month - 1]
    certificates = {c.holder_name: (c.role, c.number) for c in result.issued}
    assert certificates == {
        "Dr. Agus Siswadi": ("narasumber", f"001/SERT/KIM-KTB/DISKOMINFO/{month}/{utcnow().year}"),
        # Participants are numbered in alphabetical order.
        held["odd"].name: ("peserta", f"002/SERT/KIM-KTB/DISKOMINFO/{month}/{utcnow().year}"),
        "Siti Rahmah": ("peserta", f"003/SERT/KIM-KTB/DISKOMINFO/{month}/{utcnow().year}"),
    }
    # The one who did not attend qualifies later, and only they are added.
    attendance.check_in(system_actor(), event, event.sessions[0], held["absent"], arrived(event.sessions[0]))
    again = services.issue_all(system_actor(), event, utcnow())
    assert [(c.holder_name, c.seq) for c in again.issued] == [("Tidak Datang", 4)] and again.already == 3
    assert {c.holder_name: c.number for c in services.event_certificates(event)}[
        "Siti Rahmah"
    ] == certificates["Siti Rahmah"][1]


def test_issuing_from_the_page_sends_each_participant_their_pdf(client, login, held, mailbox, whatsapp):
    event = held["event"]
    login(held["organizer"])
    post_form(
        client,
        f"/kelola/acara/{event.id}/sertifikat/terbitkan",
        {},
        form_url=f"/kelola/acara/{event.id}/sertifikat/",
    )
    page = client.get(f"/kelola/acara/{event.id}/sertifikat/").get_data(as_text=True)
    assert "3 sertifikat sudah terbit" in page
    mails = [m for m in mailbox if m["Subject"] == f"Sertifikat: {event.title}"]
    # The speaker and the one participant who gave an e-mail address.
    assert sorted(m["To"] for m in mails) == ["agus@example.org", "siti@example.org"]
    (attachment,) = list(next(m for m in mails if m["To"] == "siti@example.org").iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text().count("Siti Rahmah") == 1
    # On WhatsApp both participants who came get "sertifikat Anda sudah terbit" with the PDF.
    sent = {m.to: m for m in whatsapp.messages()}
    assert sorted(sent) == ["+6281377770001", "+6281377770002"]
    assert all(m.template == "sertifikat_terbit" and m.attachment for m in sent.values())
    assert "/verifikasi/" in sent["+6281377770002"].text


def test_pdf_shows_name_and_number_escaped_and_links_to_verification(app, client, db, held):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    odd = db.session.scalar(select(Certificate).where(Certificate.registration_id == held["odd"].id))
    with app.test_request_context():
        document = services.certificate_pdf(odd, app.config["UPLOAD_DIR"])
    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert 'Ani <b>&</b> "Budi" O\'Neil' in text  # typed markup stays text
    assert odd.number in text and odd.code in text and "Marjuki, S.Sos., M.AP." in text
    links = [annot.get_object()["/A"]["/URI"] for annot in reader.pages[0]["/Annots"]]
    assert set(links) == {f"http://eventapp.test/verifikasi/{odd.code}"}  # the QR and code lead there
    assert _qr_codes(document) == [f"http://eventapp.test/verifikasi/{odd.code}"]


def _qr_codes(pdf: bytes) -> list[str]:
    """What a phone camera reads: each page printed at 150 dpi, its QR code decoded."""
    document = pypdfium2.PdfDocument(pdf)
    return [
        code.text
        for page in document
        for code in zxingcpp.read_barcodes(
            page.render(scale=150 / 72).to_pil(), formats=zxingcpp.BarcodeFormat.QRCode
        )
    ]


def test_verification_shows_valid_then_revoked(client, login, db, held):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    siti = db.session.scalar(select(Certificate).where(Certificate.registration_id == held["siti"].id))
    page = client.get(f"/verifikasi/{siti.code}").get_data(as_text=True)
    assert "SAH" in page and "Siti Rahmah" in page and event.title in page
    assert "081377770001" not in page and "siti@example.org" not in page  # no personal data beyond the name
    login(held["organizer"])
    post_form(
        client,
        f"/kelola/acara/{event.id}/sertifikat/{siti.id}/cabut",
        {"reason": "Data ganda"},
        form_url=f"/kelola/acara/{event.id}/sertifikat/",
    )
    page = client.get(f"/verifikasi/{siti.code}").get_data(as_text=True)
    assert "DICABUT" in page
    assert client.get("/verifikasi/TIDAKADA00").status_code == 404


def test_participants_get_their_certificate_from_their_page_or_by_lookup(client, db, held):
    services.issue_all(system_actor(), held["event"], utcnow())
    siti = held["siti"]
    page = client.get(f"/p/{siti.token}").get_data(as_text=True)
    assert f"/p/{siti.token}/sertifikat.pdf" in page
    pdf = client.get(f"/p/{siti.token}/sertifikat.pdf")
    assert pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    assert client.get(f"/p/{held['absent'].token}/sertifikat.pdf").status_code == 404
    found = post_form(client, "/sertifikat", {"contact": "0813-7777-0001", "registration_code": siti.code})
    assert f"/p/{siti.token}/sertifikat.pdf" in found.get_data(as_text=True)
    wrong = post_form(client, "/sertifikat", {"contact": "0813-0000-0000", "registration_code": siti.code})
    assert "Tidak ditemukan sertifikat" in wrong.get_data(as_text=True)


def test_bulk_downloads_as_zip_and_as_one_pdf(client, login, db, held, app, monkeypatch):
    monkeypatch.setattr(bulk, "PART_SIZE", 2)  # three certificates: two parts, joined
    monkeypatch.setattr(pdf, "CHUNK", 1)
    event = held["event"]
    issued = services.issue_all(system_actor(), event, utcnow()).issued
    in_order = [f"http://eventapp.test/verifikasi/{c.code}" for c in sorted(issued, key=lambda c: c.seq)]
    login(held["organizer"])
    for kind in ("zip", "pdf"):
        response = post_form(
            client,
            f"/kelola/acara/{event.id}/sertifikat/unduh-semua",
            {"jenis": kind},
            form_url=f"/kelola/acara/{event.id}/sertifikat/",
        )
        status = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "3 dari 3 sertifikat" in status and "Unduh berkas" in status
        job = db.session.scalar(select(BulkJob).where(BulkJob.kind == kind))
        assert [(part.first_seq, part.last_seq, part.done) for part in job.parts] == [(1, 2, 2), (3, 3, 1)]
        body = client.get(f"/kelola/acara/{event.id}/sertifikat/unduhan/{job.id}/berkas").get_data()
        if kind == "zip":
            archive = zipfile.ZipFile(io.BytesIO(body))
            assert [name[:4] for name in archive.namelist()] == ["0001", "0002", "0003"]
            found = [code for name in archive.namelist() for code in _qr_codes(archive.read(name))]
        else:
            with pikepdf.open(io.BytesIO(body)) as document:
                assert document.check_pdf_syntax() == []
                # Each part laid out its own shared layers; the joined file keeps one per role.
                drawn = {
                    form.objgen
                    for page in document.pages
                    for form in page.resources.XObject.values()
                    if form.Subtype == "/Form"
                }
                assert len(document.pages) == 3 and len(drawn) == 2
            found = _qr_codes(body)
        assert found == in_order  # every certificate once, whichever part built it
        # Only the finished file is left: the parts were deleted once joined.
        assert _written(app, job) == [job.filename]


def test_one_pdf_written_chunk_by_chunk_is_whole_and_stores_each_shared_layer_once(
    app, db, held, tmp_path, monkeypatch
):
    monkeypatch.setattr(pdf, "CHUNK", 2)  # three certificates: two chunks, two roles
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    certificates = services.event_certificates(event)
    done = []
    with app.test_request_context():
        pdf.write_pdf(
            certificates,
            services.settings_for(event),
            app.config["UPLOAD_DIR"],
            tmp_path / "all.pdf",
            done.append,
        )
    assert done == [2, 3]
    body = (tmp_path / "all.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(body)) as document:
        assert document.check_pdf_syntax() == []  # qpdf finds nothing to repair
        # What a role shares (frame, kop, wording, signatures) is one object that the pages of
        # that role draw, whatever it is called: two roles, two objects, across both chunks.
        drawn = [
            {form.objgen for form in page.resources.XObject.values() if form.Subtype == "/Form"}
            for page in document.pages
        ]
        assert len(set().union(*drawn)) == len({c.role for c in certificates}) == 2
    pages = PdfReader(io.BytesIO(body)).pages
    assert len(pages) == 3
    for page, certificate in zip(pages, certificates, strict=True):
        text = page.extract_text()
        assert certificate.holder_name in text and certificate.number in text and "Marjuki" in text
        links = [annot.get_object()["/A"]["/URI"] for annot in page["/Annots"]]
        assert links == [f"http://eventapp.test/verifikasi/{certificate.code}"]
    assert _qr_codes(body) == [f"http://eventapp.test/verifikasi/{c.code}" for c in certificates]


def test_preview_and_settings_page(client, login, held):
    login(held["organizer"])
    event = held["event"]
    page = client.get(f"/kelola/acara/{event.id}/sertifikat/").get_data(as_text=True)
    assert "KIM-KTB" in page and "Marjuki" in page
    preview = client.get(f"/kelola/acara/{event.id}/sertifikat/pratinjau?peran=moderator")
    text = PdfReader(io.BytesIO(preview.get_data())).pages[0].extract_text()
    assert "Siti Rahmah, S.Pd." in text and "sebagai Moderator" in text
    # The sample carries the next number, never one a person already holds.
    issued = services.issue_all(system_actor(), event, utcnow()).issued
    preview = client.get(f"/kelola/acara/{event.id}/sertifikat/pratinjau?peran=peserta")
    text = PdfReader(io.BytesIO(preview.get_data())).pages[0].extract_text()
    assert f"{len(issued) + 1:03d}/SERT/KIM-KTB" in text
    assert not any(c.number in text for c in issued)


@pytest.mark.concurrency
def test_numbers_never_repeat_or_skip_when_organizers_issue_at_once(app, db, make_org, make_event):
    """Four organizers press 'terbitkan' at the same moment for 30 eligible people."""
    org = make_org()
    event = make_event(org, venue_capacity=None)
    now = utcnow()
    for n in range(30):
        person = registration.register(event, registrant(name=f"Peserta {n}", phone=f"08138888{n:04d}"), now)
        attendance.check_in(
            system_actor(), event, event.sessions[0], person.registration, arrived(event.sessions[0])
        )
    _settings(app, event)
    took_place(event)
    event_id = event.id

    def organizer() -> None:
        services.issue_all(system_actor(), _db.session.get(type(event), event_id), utcnow())

    assert at_once(app, [organizer] * 4) == []
    seqs = sorted(db.session.scalars(select(Certificate.seq).where(Certificate.event_id == event_id)))
    assert seqs == list(range(1, 31))


class WorkerKilled(BaseException):
    """Stands for SIGKILL: no except clause of the app's runs, as when the worker dies."""


def _written(app, job) -> list[str]:
    """The files a bulk job has in the export folder: its own, its parts', a join's scratch."""
    return sorted(path.name for path in app.config["EXPORT_DIR"].glob(f"{job.filename}*"))


def _dies_after(ticks: int):
    """The clock of a worker that is killed at its `ticks`-th look at the time."""
    seen = []

    def clock():
        seen.append(1)
        if len(seen) == ticks:
            raise WorkerKilled
        return utcnow()

    return clock


def test_a_worker_killed_mid_part_costs_only_its_part(app, db, held, monkeypatch):
    monkeypatch.setattr(bulk, "PART_SIZE", 2)
    monkeypatch.setattr(pdf, "CHUNK", 1)
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    job, _new = bulk.start(system_actor(), event, "pdf", utcnow())
    first, second = job.parts
    export_dir, upload_dir = app.config["EXPORT_DIR"], app.config["UPLOAD_DIR"]
    # Took the first part (two looks at the clock), built one certificate of two (three), then
    # died as it finished the second.
    with pytest.raises(WorkerKilled), app.test_request_context():
        bulk.run_part(first.id, export_dir, upload_dir, _dies_after(4))
    db.session.rollback()
    assert bulk.recover(export_dir, utcnow() + timedelta(minutes=1)).parts == []  # maybe just slow
    # Another worker, with a database session of its own, builds the second part meanwhile.
    assert at_once(app, [lambda: bulk.run_part(second.id, export_dir, upload_dir, utcnow)]) == []
    # The sweep sees the second part as built, not as its session read it before.
    found = bulk.recover(export_dir, utcnow() + timedelta(minutes=3))
    assert found.parts == [first.id] and found.failed == 0
    assert (job.status, job.done, job.total) == ("running", 2, 3)
    with app.test_request_context():
        bulk.run_part(first.id, export_dir, upload_dir, utcnow)
        bulk.run_part(first.id, export_dir, upload_dir, utcnow)  # queued twice: built once
    db.session.refresh(job)
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    assert [part.attempts for part in job.parts] == [2, 1]  # the second part was not built again
    assert _written(app, job) == [job.filename]
    assert len(PdfReader(export_dir / job.filename).pages) == 3


def test_a_part_that_kills_its_worker_three_times_fails_the_job(app, client, login, db, held):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    job, _new = bulk.start(system_actor(), event, "zip", utcnow())
    export_dir = app.config["EXPORT_DIR"]
    later = utcnow()
    for _attempt in range(3):
        with pytest.raises(WorkerKilled), app.test_request_context():
            bulk.run_part(job.parts[0].id, export_dir, app.config["UPLOAD_DIR"], _dies_after(3))
        db.session.rollback()
        later += timedelta(minutes=3)
        found = bulk.recover(export_dir, later)
    assert found.failed == 1 and found.parts == []
    db.session.refresh(job)
    assert job.status == "failed" and _written(app, job) == []
    login(held["organizer"])
    status_url = f"/kelola/acara/{event.id}/sertifikat/unduhan/{job.id}"
    page = client.get(status_url).get_data(as_text=True)
    assert "Satu bagian berkas menghentikan pekerja latar berulang kali" in page and "Coba lagi" in page
    post_form(client, "/bahasa", {"lang": "en", "next": status_url}, form_url=status_url)
    english = client.get(status_url).get_data(as_text=True)
    assert "One part of the file stopped the background worker again and again" in english
    assert "Try again" in english
    post_form(client, "/bahasa", {"lang": "id", "next": status_url}, form_url=status_url)
    assert 'http-equiv="refresh"' not in page
    retry = post_form(
        client, f"/kelola/acara/{event.id}/sertifikat/unduh-semua", {"jenis": "zip"}, form_url=status_url
    )
    assert "3 dari 3 sertifikat" in client.get(retry.headers["Location"]).get_data(as_text=True)


def test_a_join_whose_worker_died_is_done_again(app, db, held, monkeypatch):
    monkeypatch.setattr(bulk, "PART_SIZE", 2)
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    job, _new = bulk.start(system_actor(), event, "zip", utcnow())
    export_dir, upload_dir = app.config["EXPORT_DIR"], app.config["UPLOAD_DIR"]
    with app.test_request_context():
        bulk.run_part(job.parts[0].id, export_dir, upload_dir, utcnow)
        # The last part: claimed (2 looks at the clock), its one chunk (3), finished (4, 5),
        # then the join's first heartbeat (6): the worker dies while joining.
        with pytest.raises(WorkerKilled):
            bulk.run_part(job.parts[1].id, export_dir, upload_dir, _dies_after(6))
    db.session.rollback()
    db.session.refresh(job)
    assert job.status == "joining" and job.done == job.total == 3
    assert bulk.recover(export_dir, utcnow()).joins == []
    assert bulk.recover(export_dir, utcnow() + timedelta(minutes=3)).joins == [job.id]
    with app.test_request_context():
        bulk.join(job.id, export_dir, utcnow)
    db.session.refresh(job)
    assert job.status == "done"
    assert _written(app, job) == [job.filename]
    assert len(zipfile.ZipFile(export_dir / job.filename).namelist()) == 3


def test_asking_again_while_the_file_is_built_shows_the_same_job(app, client, login, db, held):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    job, new = bulk.start(system_actor(), event, "zip", utcnow())  # its tasks not run yet
    assert new and bulk.start(system_actor(), event, "zip", utcnow()) == (job, False)
    login(held["organizer"])
    page = post_form(
        client,
        f"/kelola/acara/{event.id}/sertifikat/unduh-semua",
        {"jenis": "zip"},
        form_url=f"/kelola/acara/{event.id}/sertifikat/",
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Berkas jenis ini sedang disiapkan" in page and "0 dari 3 sertifikat" in page
    assert "Menyiapkan unduhan ZIP" in page and event.title in page
    assert db.session.scalar(select(func.count()).select_from(BulkJob)) == 1
    early = client.get(f"/kelola/acara/{event.id}/sertifikat/unduhan/{job.id}/berkas", follow_redirects=True)
    assert "Berkasnya belum siap" in early.get_data(as_text=True)


def test_a_job_that_has_not_moved_for_a_minute_says_why_it_may_wait(app, client, login, db, held):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    job, _new = bulk.start(system_actor(), event, "pdf", utcnow() - timedelta(minutes=2))
    login(held["organizer"])
    page = client.get(f"/kelola/acara/{event.id}/sertifikat/unduhan/{job.id}").get_data(as_text=True)
    assert "Tidak ada kemajuan dalam satu menit terakhir" in page


def test_a_new_file_replaces_the_events_older_one_of_its_kind(app, client, login, db, held):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    login(held["organizer"])
    made = []
    for _ in range(2):
        response = post_form(
            client,
            f"/kelola/acara/{event.id}/sertifikat/unduh-semua",
            {"jenis": "pdf"},
            form_url=f"/kelola/acara/{event.id}/sertifikat/",
        )
        job = db.session.get(BulkJob, int(response.headers["Location"].rsplit("/", 1)[1]))
        made.append((response.headers["Location"], app.config["EXPORT_DIR"] / job.filename))
    (older_page, older_file), (newer_page, newer_file) = made
    assert client.get(older_page).status_code == 404 and client.get(f"{older_page}/berkas").status_code == 404
    assert client.get(f"{newer_page}/berkas").status_code == 200
    assert not older_file.exists() and newer_file.exists()
    assert db.session.scalar(select(func.count()).select_from(BulkJob)) == 1


def test_waiting_parts_are_left_in_the_queue_while_other_bulk_work_moves(app, db, held, make_event):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    busy, _new = bulk.start(system_actor(), event, "zip", utcnow())
    waiting, _new = bulk.start(system_actor(), event, "pdf", utcnow())
    export_dir = app.config["EXPORT_DIR"]
    # A worker takes the first job's part and is still building it (it reported just now).
    with pytest.raises(WorkerKilled), app.test_request_context():
        bulk.run_part(busy.parts[0].id, export_dir, app.config["UPLOAD_DIR"], _dies_after(3))
    db.session.rollback()
    # Ninety seconds on, the other job's part has waited its turn, not been lost.
    assert bulk.recover(export_dir, utcnow() + timedelta(seconds=90)).parts == []
    # Three minutes on, the worker is silent: its part goes back, and nothing moves any more,
    # so the waiting part's task is presumed lost as well.
    found = bulk.recover(export_dir, utcnow() + timedelta(minutes=3))
    assert sorted(found.parts) == sorted([busy.parts[0].id, waiting.parts[0].id])


def test_a_job_whose_certificates_were_all_revoked_meanwhile_says_so(app, client, login, db, held):
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())
    job, _new = bulk.start(system_actor(), event, "pdf", utcnow())
    for certificate in services.event_certificates(event):
        services.revoke(system_actor(), certificate, "Salah cetak", utcnow())
    with app.test_request_context():
        bulk.run_part(job.parts[0].id, app.config["EXPORT_DIR"], app.config["UPLOAD_DIR"], utcnow)
    login(held["organizer"])
    page = client.get(f"/kelola/acara/{event.id}/sertifikat/unduhan/{job.id}").get_data(as_text=True)
    assert "semuanya dicabut" in page and "Coba lagi" in page and _written(app, job) == []


def test_bulk_work_waits_behind_messages_in_the_queue(tmp_path):
    """Messages (registration codes among them) go first, whatever was queued before them."""
    from eventapp.certificates import jobs as certificate_jobs
    from eventapp.extensions import huey, make_huey
    from eventapp.outbox import jobs as outbox_jobs

    for url in (f"sqlite:///{tmp_path / 'jobs.sqlite'}", "redis://127.0.0.1:6379/11"):
        queue = make_huey(url)
        queue.flush()
        tasks = [
            certificate_jobs.build_bulk_part.s(1),
            certificate_jobs.join_bulk.s(1),
            outbox_jobs.deliver_messages.s([1]),
        ]
        for task in tasks:  # as the app's queue enqueues them, into this one
            queue.storage.enqueue(huey.serialize_task(task), task.priority)
        taken = [huey.deserialize_task(queue.storage.dequeue()).name for _ in range(3)]
        assert taken == ["deliver_messages", "build_bulk_part", "join_bulk"], url
        queue.flush()


def test_a_bulk_job_no_worker_picked_up_is_queued_again_then_given_up_after_half_an_hour(app, db, held):
    from eventapp.certificates import jobs

    services.issue_all(system_actor(), held["event"], utcnow())
    job, _new = bulk.start(system_actor(), held["event"], "zip", utcnow())  # and no task queued
    export_dir = app.config["EXPORT_DIR"]
    assert bulk.recover(export_dir, utcnow()).parts == []
    found = bulk.recover(export_dir, utcnow() + timedelta(minutes=2))
    assert found.parts == [job.parts[0].id] and found.failed == 0
    assert bulk.recover(export_dir, utcnow() + timedelta(minutes=20)).failed == 0
    assert bulk.recover(export_dir, utcnow() + timedelta(minutes=31)).failed == 1
    db.session.refresh(job)
    assert job.status == "failed"
    jobs.build_bulk_part(job.parts[0].id)  # a task that turns up after all changes nothing
    db.session.refresh(job)
    assert job.status == "failed" and job.parts[0].attempts == 0


@pytest.mark.concurrency
def test_two_workers_build_the_parts_side_by_side_and_join_once(app, db, held, monkeypatch):
    monkeypatch.setattr(bulk, "PART_SIZE", 1)
    event = held["event"]
    issued = services.issue_all(system_actor(), event, utcnow()).issued
    job, _new = bulk.start(system_actor(), event, "pdf", utcnow())
    job_id, part_ids = job.id, [part.id for part in job.parts]
    export_dir, upload_dir = app.config["EXPORT_DIR"], app.config["UPLOAD_DIR"]
    joins = []
    real_join = bulk.join
    monkeypatch.setattr(bulk, "join", lambda *args: joins.append(1) or real_join(*args))

    def worker() -> None:
        for part_id in part_ids:  # both workers take every task: each part is built once
            bulk.run_part(part_id, export_dir, upload_dir, utcnow)

    assert at_once(app, [worker] * 2) == [] and joins == [1]
    job = _db.session.get(BulkJob, job_id, populate_existing=True)
    assert job.status == "done" and [part.attempts for part in job.parts] == [1, 1, 1]
    codes = _qr_codes((export_dir / job.filename).read_bytes())
    assert codes == [f"http://eventapp.test/verifikasi/{c.code}" for c in sorted(issued, key=lambda c: c.seq)]


def test_certificates_wait_for_the_end_of_the_event_and_say_why(
    app, client, login, db, make_org, make_user, make_event
):
    org = make_org()
    event = make_event(org)
    _settings(app, event)
    with pytest.raises(DomainError, match="setelah acara selesai") as error:
        services.issue_all(system_actor(), event, utcnow())
    assert error.value.code == "not_yet"
    login(make_user(org))
    page = client.get(f"/kelola/acara/{event.id}/sertifikat/").get_data(as_text=True)
    assert 'disabled aria-describedby="issue-blocker"' in page
    assert '<small id="issue-blocker">Sertifikat dapat diterbitkan setelah acara selesai' in page


def test_the_number_carries_the_events_month_and_year_not_the_issue_day(db, held):
    session = held["event"].sessions[0]
    session.starts_at, session.ends_at = (
        datetime(2026, 8, 14, 1, tzinfo=UTC),
        datetime(2026, 8, 14, 5, tzinfo=UTC),
    )
    db.session.commit()
    issued = services.issue_all(system_actor(), held["event"], utcnow()).issued
    assert all(c.number.endswith("/DISKOMINFO/VIII/2026") for c in issued)


def test_cancelling_after_issue_revokes_the_certificate_with_the_reason(client, db, held):
    services.issue_all(system_actor(), held["event"], utcnow())
    certificate = services.for_registration(held["siti"])
    registration.cancel(held["siti"], utcnow())
    db.session.refresh(certificate)
    assert certificate.revoked_at is not None
    page = client.get(f"/verifikasi/{certificate.code}").get_data(as_text=True)
    assert "DICABUT" in page and "Alasan: Dibatalkan oleh peserta." in page


def test_a_participant_asks_for_a_name_correction_and_the_certificate_follows(client, login, db, held):
    siti = held["siti"]
    (certificate,) = [
        c
        for c in services.issue_all(system_actor(), held["event"], utcnow()).issued
        if c.registration_id == siti.id
    ]
    number = certificate.number
    page = client.get(f"/p/{siti.token}").get_data(as_text=True)
    assert "Nama di sertifikat: Siti Rahmah" in page
    response = post_form(client, f"/p/{siti.token}/nama", {"requested_name": "Dra. Siti Rahmah, M.Si."})
    assert "Permintaan perbaikan nama terkirim" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )

    login(held["organizer"])
    event_id = held["event"].id
    listing = client.get(f"/kelola/acara/{event_id}/peserta").get_data(as_text=True)
    assert "minta perbaikan nama" in listing
    edit_url = f"/kelola/acara/{event_id}/peserta/{siti.id}/ubah"
    edit = client.get(edit_url).get_data(as_text=True)
    assert 'value="Dra. Siti Rahmah, M.Si."' in edit
    values = {
        "name": "Dra. Siti Rahmah, M.Si.",
        "phone": "0813-7777-0001",
        "email": "siti@example.org",
        "gender": "P",
        "occupation": "lainnya",
        "kim_id": "-1",
        "institution": "Kantor Desa Camba",
    }
    assert post_form(client, edit_url, values).status_code == 302
    db.session.refresh(certificate)
    assert certificate.holder_name == "Dra. Siti Rahmah, M.Si." and certificate.number == number
    assert db.session.get(type(siti), siti.id).requested_name is None
    verified = client.get(f"/verifikasi/{certificate.code}").get_data(as_text=True)
    assert "Dra. Siti Rahmah, M.Si." in verified
    history = client.get(f"/kelola/acara/{event_id}/riwayat").get_data(as_text=True)
    assert "Data peserta diperbaiki" in history and "Nama: Siti Rahmah → Dra. Siti Rahmah, M.Si." in history


def test_a_correction_may_not_take_another_registrants_phone(db, held):
    from eventapp.errors import ValidationFailed

    data = registrant(name="Siti Rahmah", phone="081377770002", email="siti@example.org")
    with pytest.raises(ValidationFailed, match="Sudah dipakai pendaftar lain"):
        registration.correct_registrant(system_actor(), held["siti"], data, utcnow())


def test_the_certificate_carries_the_kop_place_and_date_and_an_optional_background(app, db, held):
    event, org = held["event"], held["event"].organization
    org.letterhead = (
        "PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR\nDinas Komunikasi, Informatika, Statistik dan Persandian"
    )
    org.city = "Sampit"
    db.session.commit()
    image = io.BytesIO()
    Image.new("RGB", (1170, 827), "#fbf7ec").save(image, format="JPEG")
    _settings(app, event, background=image.getvalue())
    folder = app.config["UPLOAD_DIR"] / BACKGROUNDS
    (stored,) = list(folder.iterdir())
    services.issue_all(system_actor(), event, utcnow())
    certificate = db.session.scalar(select(Certificate).where(Certificate.registration_id == held["siti"].id))
    with app.test_request_context():
        page = PdfReader(io.BytesIO(services.certificate_pdf(certificate, app.config["UPLOAD_DIR"]))).pages[0]
    text = " ".join(page.extract_text().split())
    last_day = format_day(event.local_days[1], "id")
    assert "PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR" in text
    assert "DINAS KOMUNIKASI, INFORMATIKA, STATISTIK DAN PERSANDIAN" in text
    assert f"Sampit, {last_day}" in text
    assert len(page.images) == 1  # the background
    # Taking the background away deletes its file; the design's frame is back.
    _settings(app, event, remove_background=True)
    assert not stored.exists() and services.settings_for(event).background_filename is None


def test_a_background_that_is_not_an_image_is_refused_and_nothing_is_kept(client, login, db, held):
    event = held["event"]
    login(held["organizer"])
    page = post_form(
        client,
        f"/kelola/acara/{event.id}/sertifikat/",
        {
            "enabled": "y",
            "design": "klasik",
            "number_pattern": "{seq:03d}/SERT/{tahun}",
            **{f"title_{r}": "SERTIFIKAT" for r in ("peserta", "narasumber", "moderator", "panitia")},
            **{f"wording_{r}": "atas partisipasi" for r in ("peserta", "narasumber", "moderator", "panitia")},
            "sig1_name": "Marjuki",
            "background": (io.BytesIO(b"%PDF-1.4 not an image"), "latar.jpg"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Gambar harus berupa berkas PNG atau JPEG." in page and 'value="Marjuki"' in page
    assert services.settings_for(event).background_filename is None


def test_certificate_mail_whose_job_was_lost_is_sent_by_the_sweep_once(app, db, held, mailbox, whatsapp):
    """issue_all commits; the job that mails the PDFs is enqueued after it. If that enqueue is
    lost, the sweep finds the certificates not mailed yet and mails each exactly once."""
    event = held["event"]
    services.issue_all(system_actor(), event, utcnow())  # and no mail job
    mailbox.clear()
    upload_dir = app.config["UPLOAD_DIR"]
    assert services.mail_certificates(None, upload_dir, utcnow()) == 0  # too soon: the job may still run
    later = utcnow() + timedelta(minutes=2)
    assert services.mail_certificates(None, upload_dir, later) == 3  # Siti, Ani and the speaker
    assert sorted(m["To"] for m in mailbox) == ["agus@example.org", "siti@example.org"]
    assert sorted(m.to for m in whatsapp.messages()) == ["+6281377770001", "+6281377770002"]
    assert services.mail_certificates(None, upload_dir, later) == 0
    assert len(mailbox) == 2 and len(whatsapp.messages()) == 2


def _resident_mib() -> float:
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def test_a_worker_does_not_grow_with_the_certificates_it_makes(app, db, held):
    """A job worker lives for weeks: making certificates must not leave memory behind."""
    services.issue_all(system_actor(), held["event"], utcnow())
    certificate = services.event_certificates(held["event"])[0]
    upload_dir = app.config["UPLOAD_DIR"]
    with app.test_request_context():
        for _ in range(5):  # fonts, templates and libraries loaded once
            services.certificate_pdf(certificate, upload_dir)
        gc.collect()
        before = _resident_mib()
        for _ in range(40):
            services.certificate_pdf(certificate, upload_dir)
        gc.collect()
    assert _resident_mib() - before < 3  # it was 0.25 MB a document: fonts loaded again each time
