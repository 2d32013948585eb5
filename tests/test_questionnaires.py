"""Forms: building them (and what may change once answered), each question type's checks,
registration questions in one round trip and in the registrants list, the evaluation as a
certificate condition, pre/post tests with their scores, gain and report, and results."""

import csv
import io
from datetime import time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event as sa_event
from sqlalchemy import func, select

from eventapp.attendance import services as attendance
from eventapp.certificates import services as certificates
from eventapp.certificates.models import Certificate
from eventapp.dbtypes import utcnow
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.questionnaires import results
from eventapp.questionnaires import services as forms
from eventapp.questionnaires.models import Purpose, Response
from eventapp.registration import services as registration
from eventapp.registration.models import Registration
from tests.conftest import post_form
from tests.factories import (
    arrived,
    evaluation_for_certificate,
    form_fields,
    registrant,
    system_actor,
    took_place,
)
from tests.test_certificates import _settings


def _question(questionnaire, kind, label, **fields):
    return forms.save_question(
        system_actor(), questionnaire, forms.QuestionData(kind, label, **fields), utcnow()
    )


@pytest.fixture
def office(make_org, make_user):
    org = make_org()
    return {"org": org, "user": make_user(org)}


# --- Each question type checks what is typed -----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "fields", "typed", "expected"),
    [
        ("teks", {}, ["  Kepala desa  "], "Kepala desa"),
        ("teks", {}, ["baris satu\nbaris dua"], "Paling banyak 300 karakter."),
        ("paragraf", {}, ["baris satu\nbaris dua"], "baris satu\nbaris dua"),
        ("pilihan", {"options": ["Radio", "Televisi"]}, ["1"], [1]),
        ("pilihan", {"options": ["Radio", "Televisi"]}, ["0", "1"], "Pilih satu jawaban saja."),
        ("dropdown", {"options": ["A", "B"]}, ["7"], "Pilihan tidak dikenal; pilih dari daftar."),
        ("centang", {"options": ["A", "B", "C"]}, ["2", "0", "2"], [0, 2]),
        ("angka", {"min_number": 0, "max_number": 120}, ["2,5"], 2.5),
        ("angka", {"min_number": 0, "max_number": 120}, ["121"], "Angka harus antara 0 dan 120."),
        ("angka", {}, ["dua"], "Tulis angka, misalnya 12 atau 2,5."),
        ("tanggal", {}, ["17-08-2026"], "2026-08-17"),
        ("tanggal", {}, ["2026-02-30"], "Tulis tanggal lengkap, misalnya 17-08-2026."),
        ("ya_tidak", {}, ["ya"], "ya"),
        ("ya_tidak", {}, ["mungkin"], "Pilih ya atau tidak."),
        ("skala", {}, ["4"], 4.0),
        ("skala", {}, ["6"], "Pilih angka 1 sampai 5."),
    ],
)
def test_each_question_type_takes_its_own_kind_of_answer(office, make_event, kind, fields, typed, expected):
    event = make_event(office["org"])
    questionnaire = forms.create(system_actor(), event, Purpose.REGISTRATION, utcnow())
    question = _question(questionnaire, kind, "Pertanyaan uji", **fields)
    places = forms.slots(questionnaire, event)
    try:
        value = forms.check_answers(places, {question.field_name: typed})[question.field_name]
    except ValidationFailed as invalid:
        value = invalid.problems[question.field_name]
    assert (str(value) if kind == "tanggal" and not isinstance(value, str) else value) == expected


def test_a_required_question_left_empty_is_reported_with_every_other(office, make_event):
    event = make_event(office["org"])
    questionnaire = forms.create(system_actor(), event, Purpose.EVALUATION, utcnow())
    first = _question(questionnaire, "skala", "Materi mudah dipahami", required=True)
    second = _question(questionnaire, "pilihan", "Sumber informasi", required=True, options=["Radio", "WA"])
    third = _question(questionnaire, "paragraf", "Saran")
    with pytest.raises(ValidationFailed) as invalid:
        forms.check_answers(forms.slots(questionnaire, event), {third.field_name: ["Lebih lama"]})
    assert invalid.value.problems == {
        first.field_name: "Pertanyaan ini wajib dijawab.",
        second.field_name: "Pilih satu jawaban.",
    }


# --- Building forms -------------------------------------------------------------------------------


def test_a_question_people_answered_keeps_its_meaning(office, make_event):
    event = make_event(office["org"])
    questionnaire = forms.create(system_actor(), event, Purpose.REGISTRATION, utcnow())
    question = _question(questionnaire, "pilihan", "Sumber informasi", options=["Radio", "Televisi"])
    person = registration.register(
        event, registrant(answers={question.field_name: [0]}), utcnow()
    ).registration
    assert forms.registration_answers(event, [person.id]) == {person.id: {question.field_name: "Radio"}}

    def change(**fields):
        data = forms.QuestionData.of(question)
        for key, value in fields.items():
            setattr(data, key, value)
        return forms.save_question(system_actor(), questionnaire, data, utcnow(), question)

    with pytest.raises(ValidationFailed, match="Jenis pertanyaan tidak dapat diubah: sudah dijawab 1 orang"):
        change(kind="centang")
    with pytest.raises(ValidationFailed, match="jumlah dan urutannya tetap"):
        change(options=["Radio", "Televisi", "Koran"])
    change(label="Dari mana Anda tahu acara ini?", options=["Radio (RRI)", "Televisi"])
    assert forms.registration_answers(event, [person.id])[person.id][question.field_name] == "Radio (RRI)"
    with pytest.raises(DomainError, match="sudah dijawab 1 orang dan tidak dapat dihapus"):
        forms.delete_question(system_actor(), question)


def test_an_office_saves_a_form_as_a_template_and_another_event_starts_from_it(office, make_event):
    first, second = make_event(office["org"]), make_event(office["org"])
    evaluation = forms.create(system_actor(), first, Purpose.EVALUATION, utcnow())
    _question(evaluation, "skala", "Materi bermanfaat", required=True, low_label="Tidak", high_label="Sangat")
    _question(evaluation, "paragraf", "Saran")
    template = forms.save_as_template(system_actor(), evaluation, "Evaluasi standar Diskominfo", utcnow())
    assert template in forms.copy_sources(second, Purpose.EVALUATION)
    copied = forms.copy_into(system_actor(), second, Purpose.EVALUATION, template, utcnow())
    assert [(q.position, q.label, q.required) for q in copied.questions] == [
        (1, "Materi bermanfaat", True),
        (2, "Saran", False),
    ]
    with pytest.raises(DomainError, match="Soal tes hanya dapat disalin"):
        forms.copy_into(
            system_actor(), second, Purpose.REGISTRATION, _test_form(make_event, office), utcnow()
        )


def _test_form(make_event, office):
    bimtek = make_event(office["org"], kind="bimtek")
    test = forms.create(system_actor(), bimtek, Purpose.PRETEST, utcnow())
    _question(test, "soal", "Apa itu hoaks?", options=["Fakta", "Berita bohong"], correct_option=2)
    return test


def test_organizers_build_a_form_in_pages_without_javascript(client, login, office, make_event):
    event = make_event(office["org"], kind="bimtek")
    login(office["user"])
    base = f"/kelola/acara/{event.id}/formulir"
    assert "Pre-test" in client.get(f"{base}/").get_data(as_text=True)
    post_form(client, f"{base}/pretest/buat", {}, form_url=f"{base}/")
    bad = post_form(
        client,
        f"{base}/pretest/",
        {"kind": "soal", "label": "Apa itu hoaks?", "options": "Fakta\nBerita bohong", "correct_option": "3"}
        | {"points": "1", "save_question": "1"},
    ).get_data(as_text=True)
    assert "Tulis nomor pilihan yang benar (1 sampai 2)." in bad and "Fakta\nBerita bohong" in bad
    for label in ("Apa itu hoaks?", "Apa itu KIM?"):
        post_form(
            client,
            f"{base}/pretest/",
            {"kind": "soal", "label": label, "options": "Salah\nBenar", "correct_option": "2", "points": "5"}
            | {"save_question": "1"},
        )
    questionnaire = forms.for_event(event, Purpose.PRETEST)
    second = questionnaire.questions[1]
    post_form(client, f"{base}/pretest/pertanyaan/{second.id}/naik", {}, form_url=f"{base}/pretest/")
    db.session.refresh(questionnaire)
    assert [q.label for q in questionnaire.questions] == ["Apa itu KIM?", "Apa itu hoaks?"]
    preview = client.get(f"{base}/pretest/pratinjau").get_data(as_text=True)
    assert "Apa itu KIM?" in preview and "Jawaban tidak dapat dikirim dari sini" in preview


# --- Registration questions ----------------------------------------------------------------------


def _webinar_with_questions(office, make_event):
    event = make_event(office["org"])
    questionnaire = forms.create(system_actor(), event, Purpose.REGISTRATION, utcnow())
    source = _question(
        questionnaire, "pilihan", "Dari mana Anda tahu acara ini?", required=True, options=["Radio", "WA"]
    )
    topic = _question(questionnaire, "teks", "Topik yang ingin dibahas")
    return event, source, topic


def _person(n: int) -> dict:
    return form_fields(f"Warga {n}", f"0813{n:08d}")


def test_registration_questions_are_checked_with_the_form_in_one_round_trip(
    client, login, office, make_event
):
    event, source, topic = _webinar_with_questions(office, make_event)
    url = f"/acara/{event.slug}/daftar"
    page = client.get(url).get_data(as_text=True)
    assert "Dari mana Anda tahu acara ini?" in page and "Pertanyaan dari panitia" in page
    wrong = post_form(client, url, {**_person(1), "name": "", topic.field_name: "Literasi digital"})
    text = wrong.get_data(as_text=True)
    assert "Wajib diisi." in text
    assert "Pilih satu jawaban." in text and 'value="Literasi digital"' in text
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    done = post_form(
        client, url, {**_person(1), source.field_name: "1", topic.field_name: "Literasi digital"}
    )
    assert done.status_code == 302
    post_form(client, url, {**_person(2), source.field_name: "0"})
    login(office["user"])
    listing = f"/kelola/acara/{event.id}/peserta"
    shown = client.get(f"{listing}?kolom={source.field_name}&kolom={topic.field_name}").get_data(as_text=True)
    assert "Literasi digital" in shown and ">WA<" in shown
    only_radio = client.get(f"{listing}?jawaban={source.id}:0").get_data(as_text=True)
    assert "Warga 2" in only_radio and "Warga 1" not in only_radio
    body = client.get(f"{listing}/ekspor.csv").get_data().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {r["nama"]: r["Dari mana Anda tahu acara ini?"] for r in rows} == {
        "Warga 1": "WA",
        "Warga 2": "Radio",
    }
    person = db.session.scalar(select(Registration).where(Registration.name == "Warga 1"))
    detail = client.get(f"{listing}/{person.id}/ubah").get_data(as_text=True)
    assert "Jawaban pertanyaan pendaftaran" in detail and "Literasi digital" in detail


# --- Evaluation and certificates -------------------------------------------------------------------


@pytest.fixture
def finished(app, office, make_event):
    """A bimtek that took place: two people attended; certificates were issued once, before
    anyone filled in the evaluation (which the certificate needs)."""
    day = (utcnow() + timedelta(days=1)).date()
    event = make_event(
        office["org"],
        kind="bimtek",
        title="Bimtek Jurnalistik",
        venue_capacity=None,
        sessions=[events.SessionData(day, time(8), time(12))],
    )
    people = [
        registration.register(event, registrant(name=name, phone=f"08138888000{n}"), utcnow()).registration
        for n, name in enumerate(("Siti", "Budi"), start=1)
    ]
    for person in people:
        attendance.check_in(system_actor(), event, event.sessions[0], person, arrived(event.sessions[0]))
    evaluation = evaluation_for_certificate(event)
    _settings(app, event, event_code="BJ")
    return {"event": event, "people": people, "evaluation": evaluation}


def test_the_certificate_waits_for_the_evaluation_and_follows_it(client, finished):
    event, (siti, budi), evaluation = finished["event"], finished["people"], finished["evaluation"]
    url = f"/p/{siti.token}/formulir/evaluasi"
    assert "Formulir dibuka" in client.get(url).get_data(as_text=True)  # before the session ends
    took_place(event)
    page = client.get(f"/p/{siti.token}").get_data(as_text=True)
    assert "Untuk sertifikat, Anda masih perlu: mengisi evaluasi." in page and "belum diisi" in page
    issued = certificates.issue_all(system_actor(), event, utcnow())
    assert issued.issued == []  # nobody filled it in yet
    scale = evaluation.questions[0]
    empty = post_form(client, url, {"submit": "1", evaluation.questions[1].field_name: "Tambah praktik"})
    text = empty.get_data(as_text=True)
    assert "Pertanyaan ini wajib dijawab." in text and "Tambah praktik" in text
    done = post_form(client, url, {"submit": "1", scale.field_name: "5"})
    assert done.status_code == 302
    # The certificate follows the form at once: "isi evaluasi untuk mengunduh e-sertifikat".
    assert {c.registration_id for c in db.session.scalars(select(Certificate))} == {siti.id}
    assert f"/p/{siti.token}/sertifikat.pdf" in client.get(f"/p/{siti.token}").get_data(as_text=True)
    assert certificates.issue_all(system_actor(), event, utcnow()).issued == []
    post_form(client, f"/p/{budi.token}/formulir/evaluasi", {"submit": "1", scale.field_name: "3"})
    assert {c.registration_id for c in db.session.scalars(select(Certificate))} == {siti.id, budi.id}
    again = post_form(client, url, {"submit": "1", scale.field_name: "1"}, follow_redirects=True)
    assert "sudah mengisi formulir ini" in again.get_data(as_text=True)
    found = results.results(evaluation, event)
    assert found.responses == 2 and found.questions[0].average == 4.0
    assert [b.count for b in found.questions[0].bars] == [0, 0, 1, 0, 1]


# --- Pre-test and post-test -------------------------------------------------------------------------


def _quiz(test, points=(1, 1)):
    for n, worth in enumerate(points, start=1):
        _question(
            test, "soal", f"Soal {n}", options=["Salah", "Benar", "Ragu"], correct_option=2, points=worth
        )


def test_a_test_is_timed_scored_limited_in_attempts_and_reported_with_the_gain(client, office, make_event):
    day = (utcnow() + timedelta(days=2)).date()
    event = make_event(office["org"], kind="bimtek", sessions=[events.SessionData(day, time(8), time(12))])
    siti, budi = (
        registration.register(event, registrant(name=name, phone=f"08139999000{n}"), utcnow()).registration
        for n, name in enumerate(("Siti", "Budi"), start=1)
    )
    pretest = forms.create(system_actor(), event, Purpose.PRETEST, utcnow())
    posttest = forms.create(system_actor(), event, Purpose.POSTTEST, utcnow())
    _quiz(pretest)
    _quiz(posttest, points=(1, 3))
    forms.save_settings(
        system_actor(),
        posttest,
        forms.SettingsData(
            title="Post-test", time_limit_minutes=10, max_attempts=2, shuffle=True, pass_percent=70
        ),
        utcnow(),
    )
    url = f"/p/{siti.token}/formulir/pretest"
    assert "Mulai tes" in client.get(url).get_data(as_text=True)
    assert "Mulai tes terlebih dahulu" in post_form(
        client, url, {"submit": "1"}, follow_redirects=True
    ).get_data(as_text=True)
    post_form(client, url, {"start": "1"})
    q1, q2 = pretest.questions
    partial = post_form(client, url, {"submit": "1", q1.field_name: "1"}).get_data(as_text=True)
    assert "Pilih satu jawaban." in partial and 'value="1" checked' in partial  # a partly filled test is kept
    post_form(client, url, {"submit": "1", q1.field_name: "1", q2.field_name: "0"})
    forms.start_attempt(pretest, budi, utcnow())
    forms.submit(pretest, budi, {q1.field_name: ["0"], q2.field_name: ["0"]}, utcnow())
    with pytest.raises(DomainError, match="Kesempatan mengerjakan sudah habis"):
        forms.start_attempt(pretest, siti, utcnow())
    # The post-test opens when the last session ends; the organizer may open it earlier.
    assert "Formulir dibuka" in client.get(f"/p/{siti.token}/formulir/posttest").get_data(as_text=True)
    forms.open_now(system_actor(), posttest, utcnow())
    p1, p2 = posttest.questions
    started = utcnow()
    attempt = forms.start_attempt(posttest, siti, started)
    late = forms.submit(
        posttest, siti, {p1.field_name: ["1"], p2.field_name: ["1"]}, started + timedelta(minutes=13)
    )
    # Sent three minutes past its ten: kept and scored, but it does not earn the certificate.
    assert (late.score, late.max_score, late.late) == (4, 4, True)
    assert forms.missing(event, [siti.id]) == {siti.id: ["nilai post-test minimal 70"]}
    forms.start_attempt(posttest, siti, started + timedelta(minutes=20))
    best = forms.submit(
        posttest, siti, {p1.field_name: ["1"], p2.field_name: ["1"]}, started + timedelta(minutes=21)
    )
    assert best.percent == 100.0 and forms.missing(event, [siti.id]) == {}
    forms.start_attempt(posttest, budi, utcnow())
    forms.submit(posttest, budi, {p1.field_name: ["1"], p2.field_name: ["1"]}, utcnow())
    # Options are shuffled per attempt, the same way every time the page is shown.
    order = forms.option_order(p1, attempt.id, True)
    assert sorted(order) == [0, 1, 2] and order == forms.option_order(p1, attempt.id, True)

    report = results.test_report(event)
    by_name = {r.registration.name: (r.pre, r.post, r.gain) for r in report.rows}
    assert by_name == {"Siti": (50.0, 100.0, 50.0), "Budi": (0.0, 100.0, 100.0)}
    assert (report.pre_average, report.post_average, report.gain_average, report.improved_share) == (
        25.0,
        100.0,
        75.0,
        100.0,
    )
    assert [(t.label, t.pre, t.post) for t in report.topics] == [
        ("Soal 1", 50.0, 100.0),
        ("Soal 2", 0.0, 100.0),
    ]


def test_results_and_reports_download_as_xlsx_and_pdf(client, login, office, finished):
    event, (siti, budi), evaluation = finished["event"], finished["people"], finished["evaluation"]
    took_place(event)
    scale = evaluation.questions[0]
    for person, value in ((siti, "4"), (budi, "2")):
        forms.submit(evaluation, person, {scale.field_name: [value], "q0": ["x"]}, utcnow())
    login(office["user"])
    base = f"/kelola/acara/{event.id}/formulir"
    page = client.get(f"{base}/evaluasi/hasil").get_data(as_text=True)
    assert "2 orang mengisi" in page and "rata-rata 3,0" in page and "<progress" in page
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/evaluasi/hasil.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kode", "Nama", "Dikirim") and rows[0][3] == "Materi bermanfaat"
    assert sorted(r[3] for r in rows[1:]) == [2, 4]
    pdf = client.get(f"{base}/evaluasi/hasil.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(f"{base}/tes.pdf").data.startswith(b"%PDF")


def test_results_take_the_same_number_of_queries_for_ten_or_a_hundred_responses(app, office, finished):
    event, evaluation = finished["event"], finished["evaluation"]
    scale = evaluation.questions[0]

    def statements_for_results() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        try:
            db.session.expire_all()
            results.results(db.session.get(type(evaluation), evaluation.id), event)
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    def add(n: int, start: int) -> None:
        for k in range(start, start + n):
            person = registration.register(event, registrant(name=f"P{k}", phone=f"0815{k:08d}"), utcnow())
            db.session.add(
                Response(
                    questionnaire_id=evaluation.id,
                    registration_id=person.registration.id,
                    submitted_at=utcnow(),
                    answers=[forms._answer(forms.Slot(scale), float(1 + k % 5))],
                )
            )
        db.session.commit()

    add(10, 0)
    few = statements_for_results()
    add(90, 10)
    assert statements_for_results() == few


def test_participants_who_have_not_filled_in_the_evaluation_get_their_own_link(finished, whatsapp):
    event, (siti, budi), evaluation = finished["event"], finished["people"], finished["evaluation"]
    with pytest.raises(DomainError, match="Formulir dibuka"):
        forms.invite_to_answer(system_actor(), evaluation, utcnow())
    took_place(event)
    whatsapp.clear()
    assert forms.invite_to_answer(system_actor(), evaluation, utcnow()) == 2
    texts = {m.to: m.text for m in whatsapp.messages() if m.template == "isi_formulir"}
    assert f"/p/{siti.token}/formulir/evaluasi" in texts[siti.phone]
    assert "Sertifikat terbit setelah formulir ini diisi." in texts[budi.phone]
    forms.submit(evaluation, siti, {evaluation.questions[0].field_name: ["4"]}, utcnow())
    whatsapp.clear()
    assert forms.invite_to_answer(system_actor(), evaluation, utcnow()) == 1
    assert [m.to for m in whatsapp.messages()] == [budi.phone]


def test_closing_a_form_that_has_not_opened_keeps_it_shut(finished):
    event, evaluation = finished["event"], finished["evaluation"]
    now = utcnow()
    forms.close_now(system_actor(), evaluation, now)
    took_place(event)
    later = utcnow()
    assert not forms.is_open(evaluation, event, later)
    assert forms.closed_reason(evaluation, event, later).startswith("Formulir sudah ditutup")
    forms.open_now(system_actor(), evaluation, later)
    assert forms.is_open(evaluation, event, later)


def test_a_title_with_slashes_exports_and_impossible_bounds_are_refused(client, login, office, finished):
    event, evaluation = finished["event"], finished["evaluation"]
    forms.save_settings(
        system_actor(), evaluation, forms.SettingsData(title="Evaluasi [hari 1/2]?"), utcnow()
    )
    login(office["user"])
    sheet = client.get(f"/kelola/acara/{event.id}/formulir/evaluasi/hasil.xlsx")
    assert (
        sheet.status_code == 200
        and load_workbook(io.BytesIO(sheet.data)).active.title == "Evaluasi  hari 1 2"
    )
    registration_form = forms.create(system_actor(), event, Purpose.REGISTRATION, utcnow())
    for bound in (float("nan"), float("inf")):
        with pytest.raises(ValidationFailed, match="Angka terlalu besar"):
            _question(registration_form, "angka", "Umur", min_number=bound)
