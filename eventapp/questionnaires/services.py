"""Building forms, checking and keeping answers, scoring tests, and what the answers add to
certificate eligibility. Each public function that changes data is one unit of work."""

import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from blinker import Namespace
from flask_babel import gettext as _
from sqlalchemy import func, select

from eventapp.accounts.access import require_manager
from eventapp.accounts.models import User
from eventapp.audit.services import record_for_event, sentence_for
from eventapp.edges import public_url
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events.models import Event, EventKind, EventPerson
from eventapp.extensions import db
from eventapp.i18n import format_datetime
from eventapp.labels import label
from eventapp.outbox.jobs import commit
from eventapp.questionnaires.models import Answer, Kind, Purpose, Question, Questionnaire, Response
from eventapp.registration import messages
from eventapp.registration.models import Registration, RegistrationStatus
from eventapp.textrules import MAX_INT, in_date_range, is_clean_text, is_single_line

MAX_QUESTIONS = 100
MAX_OPTIONS = 30
MAX_TEXT = 5_000
# A test sent this long after its time limit is still kept and scored, and not marked late:
# the last minute's typing and a slow link.
LATE_GRACE = timedelta(minutes=2)

_signals = Namespace()
# Sent before the commit when someone submits an evaluation or a test, with `registration`
# and `now`: certificates issue a late certificate once its conditions are met.
response_submitted = _signals.signal("questionnaire-response-submitted")


# --- Building ---------------------------------------------------------------------------------


DEFAULT_TITLES = {
    Purpose.REGISTRATION: lambda: _("Pertanyaan tambahan"),
    Purpose.EVALUATION: lambda: _("Evaluasi kegiatan"),
    Purpose.PRETEST: lambda: _("Pre-test"),
    Purpose.POSTTEST: lambda: _("Post-test"),
}


def for_event(event: Event, purpose: Purpose) -> Questionnaire | None:
    return db.session.scalar(
        select(Questionnaire).where(Questionnaire.event_id == event.id, Questionnaire.purpose == purpose)
    )


def of_event(event: Event) -> dict[Purpose, Questionnaire]:
    found = db.session.scalars(select(Questionnaire).where(Questionnaire.event_id == event.id))
    return {q.purpose: q for q in found}


def create(actor: User, event: Event, purpose: Purpose, now: datetime) -> Questionnaire:
    """An empty form of `purpose` for the event (each event has at most one of each)."""
    require_manager(actor, event.organization_id)
    if for_event(event, purpose) is not None:
        raise DomainError(_("Acara ini sudah punya formulir tersebut."), "questionnaire_exists")
    questionnaire = _new(actor, event, purpose, now)
    db.session.commit()
    return questionnaire


def purposes_for(event: Event) -> list[Purpose]:
    """The forms an event may have: pre-test and post-test only for bimtek and pelatihan."""
    training = event.kind in (EventKind.BIMTEK, EventKind.PELATIHAN)
    return [p for p in Purpose if training or not p.is_test]


def _new(actor: User, event: Event, purpose: Purpose, now: datetime) -> Questionnaire:
    if purpose not in purposes_for(event):
        raise DomainError(_("Pre-test dan post-test tersedia untuk bimtek dan pelatihan."), "not_training")
    questionnaire = Questionnaire(
        organization_id=event.organization_id,
        event_id=event.id,
        purpose=purpose,
        title=DEFAULT_TITLES[purpose](),
        updated_at=now,
    )
    db.session.add(questionnaire)
    db.session.flush()
    record_for_event(actor, event, "questionnaire", questionnaire.id, "created", {"purpose": str(purpose)})
    return questionnaire


@dataclass
class SettingsData:
    title: str
    intro: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    time_limit_minutes: int | None = None
    max_attempts: int = 1
    shuffle: bool = False
    show_score: bool = True
    required_for_certificate: bool = False
    pass_percent: int | None = None


def save_settings(actor: User, questionnaire: Questionnaire, data: SettingsData, now: datetime) -> None:
    require_manager(actor, questionnaire.organization_id)
    problems = []
    if not data.title.strip() or not is_single_line(data.title) or len(data.title) > 200:
        problems.append(("title", _("Isi judul formulir dalam satu baris (paling banyak 200 karakter).")))
    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        problems.append(("closes_at", _("Waktu tutup harus sesudah waktu buka.")))
    if data.time_limit_minutes is not None and not 1 <= data.time_limit_minutes <= 600:
        problems.append(("time_limit_minutes", _("Batas waktu antara 1 dan 600 menit.")))
    if not 1 <= data.max_attempts <= 10:
        problems.append(("max_attempts", _("Jumlah kesempatan antara 1 dan 10.")))
    if data.pass_percent is not None and not 1 <= data.pass_percent <= 100:
        problems.append(("pass_percent", _("Nilai minimal antara 1 dan 100.")))
    if problems:
        raise ValidationFailed(problems[0][1], problems=problems)
    for key, value in vars(data).items():
        setattr(questionnaire, key, value.strip() if isinstance(value, str) else value)
    questionnaire.updated_at = now
    db.session.commit()


@dataclass
class QuestionData:
    kind: str
    label: str
    help_text: str = ""
    required: bool = False
    options: list[str] = field(default_factory=list)
    # 1-based, as organizers count: "jawaban benar: pilihan ke-2".
    correct_option: int | None = None
    points: int = 1
    min_number: float | None = None
    max_number: float | None = None
    low_label: str = ""
    high_label: str = ""
    per_speaker: bool = False

    @classmethod
    def of(cls, question: Question) -> "QuestionData":
        return cls(
            kind=question.kind,
            label=question.label,
            help_text=question.help_text,
            required=question.required,
            options=list(question.options or []),
            correct_option=None if question.correct_option is None else question.correct_option + 1,
            points=question.points,
            min_number=question.min_number,
            max_number=question.max_number,
            low_label=question.low_label,
            high_label=question.high_label,
            per_speaker=question.per_speaker,
        )


def question_problems(
    questionnaire: Questionnaire, data: QuestionData, existing: Question | None, answered: int
) -> list[tuple[str, str]]:
    """Everything wrong with a question as typed, as (field, message). A question people
    have answered keeps its type, its options' number and order, and its right answer; its
    words may change."""
    problems: list[tuple[str, str]] = []
    if data.kind not in set(Kind):
        problems.append(("kind", _("Pilih jenis pertanyaan.")))
        return problems
    kind = Kind(data.kind)
    if questionnaire.purpose.is_test and kind != Kind.QUIZ:
        problems.append(("kind", _("Pre-test dan post-test hanya berisi soal dengan satu jawaban benar.")))
    if kind == Kind.QUIZ and not questionnaire.purpose.is_test:
        problems.append(("kind", _("Soal dengan jawaban benar hanya untuk pre-test dan post-test.")))
    if not data.label.strip() or len(data.label) > 500 or not is_clean_text(data.label):
        problems.append(("label", _("Isi teks pertanyaan (paling banyak 500 karakter).")))
    if len(data.help_text) > 500 or not is_clean_text(data.help_text):
        problems.append(("help_text", _("Keterangan paling banyak 500 karakter.")))
    options = [o.strip() for o in data.options if o.strip()]
    if kind.has_options:
        if not 2 <= len(options) <= MAX_OPTIONS:
            problems.append(("options", _("Tulis 2 sampai 30 pilihan, satu per baris.")))
        elif len({o.lower() for o in options}) < len(options):
            problems.append(("options", _("Ada pilihan yang sama; tiap pilihan harus berbeda.")))
        elif any(len(o) > 200 or not is_single_line(o) for o in options):
            problems.append(("options", _("Tiap pilihan paling banyak 200 karakter.")))
    if kind == Kind.QUIZ and not 1 <= data.points <= 100:
        problems.append(("points", _("Bobot nilai soal antara 1 dan 100.")))
    if kind == Kind.QUIZ and (data.correct_option is None or not 1 <= data.correct_option <= len(options)):
        problems.append(
            ("correct_option", _("Tulis nomor pilihan yang benar (1 sampai %(n)d).", n=len(options)))
        )
    if kind == Kind.NUMBER:
        for bound_name, bound in (("min_number", data.min_number), ("max_number", data.max_number)):
            if bound is not None and not (math.isfinite(bound) and abs(bound) <= MAX_INT):
                problems.append((bound_name, _("Angka terlalu besar.")))
        if data.min_number is not None and data.max_number is not None and data.min_number > data.max_number:
            problems.append(("max_number", _("Batas atas harus sama atau lebih besar dari batas bawah.")))
    for name, value in (("low_label", data.low_label), ("high_label", data.high_label)):
        if len(value) > 60 or not is_single_line(value):
            problems.append((name, _("Paling banyak 60 karakter dalam satu baris.")))
    if data.per_speaker and (kind != Kind.SCALE or questionnaire.purpose != Purpose.EVALUATION):
        problems.append(("per_speaker", _("Pertanyaan per narasumber hanya untuk skala 1–5 pada evaluasi.")))
    if existing is not None and answered:
        before = QuestionData.of(existing)
        if kind != existing.kind:
            problems.append(
                ("kind", _("Jenis pertanyaan tidak dapat diubah: sudah dijawab %(n)d orang.", n=answered))
            )
        elif kind.has_options and len(options) != len(before.options):
            problems.append(
                (
                    "options",
                    _(
                        "Sudah dijawab %(n)d orang: teks pilihan boleh diperbaiki, tetapi jumlah dan "
                        "urutannya tetap.",
                        n=answered,
                    ),
                )
            )
        elif kind == Kind.QUIZ and data.correct_option != before.correct_option:
            problems.append(
                (
                    "correct_option",
                    _("Jawaban benar tidak dapat diubah: sudah dijawab %(n)d orang.", n=answered),
                )
            )
        elif data.per_speaker != before.per_speaker:
            problems.append(("per_speaker", _("Sudah dijawab; pilihan per narasumber tetap.")))
    return problems


def answer_counts(question_ids: Sequence[int]) -> dict[int, int]:
    """How many people answered each question (submitted answers)."""
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
        .where(Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id)
    )
    return dict(rows.all())


def _apply(question: Question, data: QuestionData) -> None:
    kind = Kind(data.kind)
    question.kind = kind
    question.label = data.label.strip()
    question.help_text = data.help_text.strip()
    question.required = data.required or kind == Kind.QUIZ
    question.options = [o.strip() for o in data.options if o.strip()] if kind.has_options else []
    question.correct_option = data.correct_option - 1 if kind == Kind.QUIZ and data.correct_option else None
    question.points = data.points if kind == Kind.QUIZ else 0
    question.min_number = data.min_number if kind == Kind.NUMBER else None
    question.max_number = data.max_number if kind == Kind.NUMBER else None
    question.low_label = data.low_label.strip() if kind == Kind.SCALE else ""
    question.high_label = data.high_label.strip() if kind == Kind.SCALE else ""
    question.per_speaker = data.per_speaker


def save_question(
    actor: User,
    questionnaire: Questionnaire,
    data: QuestionData,
    now: datetime,
    question: Question | None = None,
) -> Question:
    """Add a question at the end, or change `question`."""
    require_manager(actor, questionnaire.organization_id)
    answered = answer_counts([question.id]).get(question.id, 0) if question is not None else 0
    problems = question_problems(questionnaire, data, question, answered)
    if question is None and len(questionnaire.questions) >= MAX_QUESTIONS:
        problems.append(("label", _("Satu formulir paling banyak 100 pertanyaan.")))
    if problems:
        raise ValidationFailed(problems[0][1], problems=problems)
    if question is None:
        question = Question(questionnaire=questionnaire, position=len(questionnaire.questions) + 1)
        db.session.add(question)
    _apply(question, data)
    questionnaire.updated_at = now
    db.session.commit()
    return question


def delete_question(actor: User, question: Question) -> None:
    """Remove a question nobody has answered yet."""
    questionnaire = question.questionnaire
    require_manager(actor, questionnaire.organization_id)
    answered = answer_counts([question.id]).get(question.id, 0)
    if answered:
        raise DomainError(
            _(
                "Pertanyaan ini sudah dijawab %(n)d orang dan tidak dapat dihapus; ubah teksnya saja.",
                n=answered,
            )
        )
    questionnaire.questions.remove(question)
    _renumber(questionnaire)
    db.session.commit()


def move_question(actor: User, question: Question, offset: int) -> None:
    """Move a question one place up (-1) or down (+1)."""
    questionnaire = question.questionnaire
    require_manager(actor, questionnaire.organization_id)
    ordered = list(questionnaire.questions)
    at = ordered.index(question)
    to = min(max(at + offset, 0), len(ordered) - 1)
    ordered.insert(to, ordered.pop(at))
    _renumber(questionnaire, ordered)
    db.session.commit()


def _renumber(questionnaire: Questionnaire, ordered: list[Question] | None = None) -> None:
    for position, question in enumerate(ordered or questionnaire.questions, start=1):
        question.position = position
    questionnaire.questions.sort(key=lambda q: q.position)


def copy_sources(event: Event, purpose: Purpose) -> list[Questionnaire]:
    """Forms that may be copied into `event` for `purpose`: the office's templates and the
    forms of its other events, newest first (a test may start from either kind of test)."""
    purposes = [Purpose.PRETEST, Purpose.POSTTEST] if purpose.is_test else [purpose]
    return list(
        db.session.scalars(
            select(Questionnaire)
            .where(
                Questionnaire.organization_id == event.organization_id,
                Questionnaire.purpose.in_(purposes),
                (Questionnaire.event_id.is_(None)) | (Questionnaire.event_id != event.id),
            )
            .order_by(Questionnaire.event_id.is_not(None), Questionnaire.updated_at.desc())
            .limit(50)
        )
    )


def _copy_questions(source: Questionnaire, target: Questionnaire) -> None:
    """Append copies of the source's questions to the target's."""
    offset = len(target.questions)
    for question in list(source.questions):
        copy = Question(position=offset + question.position)
        _apply(copy, QuestionData.of(question))
        target.questions.append(copy)


def copy_into(
    actor: User, event: Event, purpose: Purpose, source: Questionnaire, now: datetime
) -> Questionnaire:
    """The event's form of `purpose` takes the questions of `source`, after its own."""
    require_manager(actor, event.organization_id)
    require_manager(actor, source.organization_id)
    if purpose.is_test != source.purpose.is_test:
        raise DomainError(_("Soal tes hanya dapat disalin ke pre-test atau post-test."))
    target = for_event(event, purpose) or _new(actor, event, purpose, now)
    if len(target.questions) + len(source.questions) > MAX_QUESTIONS:
        raise DomainError(_("Satu formulir paling banyak 100 pertanyaan."))
    if not target.questions and not target.intro:
        target.intro = source.intro
    _copy_questions(source, target)
    target.updated_at = now
    db.session.commit()
    return target


def save_as_template(actor: User, questionnaire: Questionnaire, title: str, now: datetime) -> Questionnaire:
    """A copy of the form kept by the office, to start other events' forms from."""
    require_manager(actor, questionnaire.organization_id)
    if not title.strip() or not is_single_line(title) or len(title) > 200:
        raise ValidationFailed(_("Isi nama templat dalam satu baris (paling banyak 200 karakter)."))
    template = Questionnaire(
        organization_id=questionnaire.organization_id,
        event_id=None,
        purpose=questionnaire.purpose,
        title=title.strip(),
        intro=questionnaire.intro,
        updated_at=now,
    )
    db.session.add(template)
    _copy_questions(questionnaire, template)
    db.session.commit()
    return template


def delete_questionnaire(actor: User, questionnaire: Questionnaire) -> None:
    """Remove a form nobody has answered."""
    require_manager(actor, questionnaire.organization_id)
    if response_count(questionnaire):
        raise DomainError(_("Formulir ini sudah diisi peserta dan tidak dapat dihapus."))
    db.session.delete(questionnaire)
    db.session.commit()


def response_count(questionnaire: Questionnaire) -> int:
    return response_counts([questionnaire]).get(questionnaire.id, 0)


def response_counts(questionnaires: list[Questionnaire]) -> dict[int, int]:
    """Submitted responses of each form, by its id, in one query (forms nobody answered are
    left out)."""
    rows = db.session.execute(
        select(Response.questionnaire_id, func.count(Response.id))
        .where(
            Response.questionnaire_id.in_([q.id for q in questionnaires]),
            Response.submitted_at.is_not(None),
        )
        .group_by(Response.questionnaire_id)
    )
    return dict(rows.all())


@sentence_for("questionnaire", "created")
def _created(changes: dict) -> str:
    return _("Formulir %(what)s dibuat", what=label(changes.get("purpose"), "questionnaire_purpose"))


# --- When a form can be answered ----------------------------------------------------------------


def window(questionnaire: Questionnaire, event: Event) -> tuple[datetime | None, datetime | None]:
    """When participants may answer. Set times win; otherwise a pre-test is open until the
    first session starts, and an evaluation or post-test from the end of the last session."""
    opens, closes = questionnaire.opens_at, questionnaire.closes_at
    if questionnaire.purpose == Purpose.PRETEST:
        return opens, closes or event.starts_at
    if questionnaire.purpose in (Purpose.EVALUATION, Purpose.POSTTEST):
        return opens or event.ends_at, closes
    return opens, closes


def closed_reason(questionnaire: Questionnaire, event: Event, now: datetime) -> str | None:
    if not questionnaire.questions:
        return _("Formulir ini belum berisi pertanyaan.")
    opens, closes = window(questionnaire, event)
    if opens is not None and now < opens:
        return _("Formulir dibuka %(when)s.", when=format_datetime(opens, event.timezone))
    if closes is not None and now >= closes:
        return _("Formulir sudah ditutup %(when)s.", when=format_datetime(closes, event.timezone))
    return None


def open_now(actor: User, questionnaire: Questionnaire, now: datetime) -> None:
    """The organizer opens the form at once (an evaluation before the last session ends)."""
    require_manager(actor, questionnaire.organization_id)
    questionnaire.opens_at = now
    if questionnaire.closes_at is not None and questionnaire.closes_at <= now:
        questionnaire.closes_at = None
    db.session.commit()


def close_now(actor: User, questionnaire: Questionnaire, now: datetime) -> None:
    """The organizer closes the form at once (one that had not opened yet stays shut)."""
    require_manager(actor, questionnaire.organization_id)
    questionnaire.closes_at = now
    opens = window(questionnaire, questionnaire.event)[0] if questionnaire.event else None
    if opens is None or opens > now:
        questionnaire.opens_at = now
    db.session.commit()


def is_open(questionnaire: Questionnaire, event: Event, now: datetime) -> bool:
    """Whether participants may answer now (the schedule and the organizer's open/close)."""
    opens, closes = window(questionnaire, event)
    return (opens is None or opens <= now) and (closes is None or now < closes)


# --- Answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One place to answer: a question, once or for one narasumber."""

    question: Question
    person: EventPerson | None = None

    @property
    def name(self) -> str:
        return self.question.field_name + (f"_{self.person.id}" if self.person else "")


def speakers(event: Event | None) -> list[EventPerson]:
    return [p for p in event.people if p.role == "narasumber"] if event is not None else []


def slots(questionnaire: Questionnaire, event: Event | None, order_seed: int | None = None) -> list[Slot]:
    """The places to answer, in order (shuffled per person for a test that asks for it; a
    test's options are shuffled the same way by `option_order`)."""
    people = speakers(event)
    result = []
    for question in questionnaire.questions:
        if question.per_speaker:
            result += [Slot(question, person) for person in people]
        else:
            result.append(Slot(question))
    if order_seed is not None and questionnaire.shuffle:
        random.Random(order_seed).shuffle(result)
    return result


def option_order(question: Question, order_seed: int | None, shuffle: bool) -> list[int]:
    order = list(range(len(question.options)))
    if shuffle and order_seed is not None:
        random.Random(order_seed * 100_003 + question.id).shuffle(order)
    return order


Value = str | float | date | list[int] | None


def check_answers(slots_: Sequence[Slot], raw: Mapping[str, list[str]]) -> dict[str, Value]:
    """Every slot's answer from the form's raw values (name → list of strings), typed; raises
    ValidationFailed listing every problem by field name, so all come back at once."""
    values: dict[str, Value] = {}
    problems: dict[str, str] = {}
    for slot in slots_:
        question = slot.question
        given = [v for v in raw.get(slot.name, []) if v.strip()]
        if not given:
            if question.required:
                problems[slot.name] = (
                    _("Pilih satu jawaban.")
                    if question.kind.has_options
                    else _("Pertanyaan ini wajib dijawab.")
                )
            values[slot.name] = None
            continue
        try:
            values[slot.name] = _typed(question, given)
        except ValueError as problem:
            problems[slot.name] = str(problem)
    if problems:
        raise ValidationFailed(_("Periksa kembali jawaban yang ditandai."), problems=problems)
    return values


def _typed(question: Question, given: list[str]) -> Value:
    kind, first = question.kind, given[0].strip()
    if kind in (Kind.SHORT_TEXT, Kind.PARAGRAPH):
        limit = 300 if kind == Kind.SHORT_TEXT else MAX_TEXT
        if len(first) > limit or not (
            is_single_line(first) if kind == Kind.SHORT_TEXT else is_clean_text(first)
        ):
            raise ValueError(_("Paling banyak %(n)d karakter.", n=limit))
        return first
    if kind == Kind.NUMBER:
        try:
            number = float(first.replace(",", "."))
        except ValueError:
            raise ValueError(_("Tulis angka, misalnya 12 atau 2,5."))
        low = question.min_number if question.min_number is not None else -MAX_INT
        high = question.max_number if question.max_number is not None else MAX_INT
        if not low <= number <= high or number != number:
            raise ValueError(_("Angka harus antara %(low)s dan %(high)s.", low=_num(low), high=_num(high)))
        return number
    if kind == Kind.DATE:
        day = _parse_day(first)
        if day is None:
            raise ValueError(_("Tulis tanggal lengkap, misalnya 17-08-2026."))
        if not in_date_range(day):
            raise ValueError(_("Tanggal di luar rentang yang wajar."))
        return day
    if kind == Kind.YES_NO:
        if first not in ("ya", "tidak"):
            raise ValueError(_("Pilih ya atau tidak."))
        return first
    if kind == Kind.SCALE:
        if first not in {"1", "2", "3", "4", "5"}:
            raise ValueError(_("Pilih angka 1 sampai 5."))
        return float(first)
    chosen = []
    for value in given:
        if not value.isdigit() or int(value) >= len(question.options):
            raise ValueError(_("Pilihan tidak dikenal; pilih dari daftar."))
        chosen.append(int(value))
    if kind != Kind.CHECKBOXES and len(chosen) > 1:
        raise ValueError(_("Pilih satu jawaban saja."))
    return sorted(set(chosen))


def _parse_day(text: str) -> date | None:
    """A date as a browser's date field sends it (2026-08-17) or as people type it
    (17-08-2026, 17/08/2026)."""
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _answer(slot: Slot, value: Value) -> Answer | None:
    if value is None:
        return None
    answer = Answer(question_id=slot.question.id, person_id=slot.person.id if slot.person else None)
    if isinstance(value, list):
        answer.choices = value
        if slot.question.kind == Kind.QUIZ:
            answer.correct = value == [slot.question.correct_option]
    elif isinstance(value, date):
        answer.day = value
    elif isinstance(value, float):
        answer.number = value
    else:
        answer.text = value
    return answer


def _answers(places: Sequence[Slot], values: Mapping[str, Value]) -> list[Answer]:
    """The rows to keep for the slots answered (an unanswered slot keeps none)."""
    return [a for slot in places if (a := _answer(slot, values.get(slot.name))) is not None]


def registration_slots(event: Event) -> list[Slot]:
    """The event's own questions on its registration form."""
    questionnaire = for_event(event, Purpose.REGISTRATION)
    return slots(questionnaire, event) if questionnaire is not None else []


def keep_registration_answers(
    event: Event, *, registration: Registration, answers: Mapping[str, Value]
) -> None:
    """Keep the answers to the event's own questions with a registration, in its unit of
    work (the registration services' `registered` signal); a cancelled registration taken up
    again replaces its old answers."""
    if not answers:
        return
    questionnaire = for_event(event, Purpose.REGISTRATION)
    if questionnaire is None:
        return
    for previous in responses_of(questionnaire, registration):
        db.session.delete(previous)
    db.session.flush()
    response = Response(
        questionnaire_id=questionnaire.id,
        registration_id=registration.id,
        started_at=registration.created_at,
        submitted_at=registration.created_at,
    )
    places = slots(questionnaire, event)
    response.answers = _answers(places, answers)
    db.session.add(response)


def responses_of(questionnaire: Questionnaire, registration: Registration) -> list[Response]:
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.questionnaire_id == questionnaire.id, Response.registration_id == registration.id)
            .order_by(Response.attempt)
        )
    )


def score_to_show(questionnaire: Questionnaire, response: Response | None) -> float | None:
    """A test's score as its participant may see it: None unless the organizer shows scores."""
    if response is None or not (questionnaire.purpose.is_test and questionnaire.show_score):
        return None
    return response.percent


@dataclass
class Standing:
    """Where a participant is with a form: what they sent, what is under way, what is left."""

    questionnaire: Questionnaire
    submitted: list[Response]
    open_attempt: Response | None
    attempts_left: int

    @property
    def best(self) -> Response | None:
        scored = [r for r in self.submitted if r.score is not None]
        return (
            max(scored, key=lambda r: (r.score, -r.attempt))
            if scored
            else (self.submitted[-1] if self.submitted else None)
        )

    @property
    def best_score(self) -> float | None:
        return score_to_show(self.questionnaire, self.best)


def standing(questionnaire: Questionnaire, registration: Registration) -> Standing:
    responses = responses_of(questionnaire, registration)
    submitted = [r for r in responses if r.submitted_at is not None]
    open_attempt = next((r for r in responses if r.submitted_at is None), None)
    allowed = questionnaire.max_attempts if questionnaire.purpose.is_test else 1
    return Standing(questionnaire, submitted, open_attempt, max(allowed - len(responses), 0))


def _may_answer(questionnaire: Questionnaire, registration: Registration, now: datetime) -> None:
    event = questionnaire.event
    if event is None or registration.event_id != event.id:
        raise DomainError(_("Formulir ini bukan untuk pendaftaran Anda."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(_("Formulir ini untuk peserta yang terdaftar."))
    reason = closed_reason(questionnaire, event, now)
    if reason:
        raise DomainError(reason, "closed")


def start_attempt(questionnaire: Questionnaire, registration: Registration, now: datetime) -> Response:
    """Begin a test attempt: the clock of a time limit starts now. An attempt under way is
    continued, not started again."""
    _may_answer(questionnaire, registration, now)
    current = standing(questionnaire, registration)
    if current.open_attempt is not None:
        return current.open_attempt
    if current.attempts_left <= 0:
        raise DomainError(_("Kesempatan mengerjakan sudah habis."), "no_attempts")
    response = Response(
        questionnaire_id=questionnaire.id,
        registration_id=registration.id,
        attempt=len(current.submitted) + 1,
        started_at=now,
    )
    db.session.add(response)
    db.session.commit()
    return response


def deadline(questionnaire: Questionnaire, response: Response) -> datetime | None:
    if questionnaire.time_limit_minutes is None:
        return None
    return response.started_at + timedelta(minutes=questionnaire.time_limit_minutes)


def submit(
    questionnaire: Questionnaire, registration: Registration, raw: Mapping[str, list[str]], now: datetime
) -> Response:
    """Check and keep a participant's answers to an evaluation or a test attempt under way;
    a test is scored. Raises ValidationFailed (with every problem) or DomainError."""
    _may_answer(questionnaire, registration, now)
    current = standing(questionnaire, registration)
    if questionnaire.purpose.is_test:
        response = current.open_attempt
        if response is None:
            raise DomainError(_("Mulai tes terlebih dahulu."), "not_started")
    else:
        if current.submitted:
            raise DomainError(_("Anda sudah mengisi formulir ini. Terima kasih."), "already")
        response = Response(
            questionnaire_id=questionnaire.id, registration_id=registration.id, started_at=now
        )
        db.session.add(response)
    event = questionnaire.event
    places = slots(questionnaire, event, response.id if questionnaire.purpose.is_test else None)
    values = check_answers(places, raw)
    response.answers = _answers(places, values)
    response.submitted_at = now
    if questionnaire.purpose.is_test:
        response.max_score = sum(q.points for q in questionnaire.questions)
        points = {q.id: q.points for q in questionnaire.questions}
        response.score = sum(points[a.question_id] for a in response.answers if a.correct)
        end = deadline(questionnaire, response)
        response.late = end is not None and now > end + LATE_GRACE
    response_submitted.send(event, registration=registration, now=now)
    commit()
    return response


def invite_to_answer(actor: User, questionnaire: Questionnaire, now: datetime) -> int:
    """Send each confirmed participant who has not filled in the form yet their own link to it,
    on their own channels; how many were written to. One unit of work."""
    event = questionnaire.event
    if event is None:
        raise DomainError(_("Templat kantor tidak dikirim ke peserta."))
    require_manager(actor, event.organization_id)
    if questionnaire.purpose == Purpose.REGISTRATION:
        raise DomainError(_("Pertanyaan pendaftaran dijawab di formulir pendaftaran."))
    reason = closed_reason(questionnaire, event, now)
    if reason:
        raise DomainError(reason, "closed")
    done = select(Response.registration_id).where(
        Response.questionnaire_id == questionnaire.id, Response.submitted_at.is_not(None)
    )
    people = db.session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.id.not_in(done),
        )
    ).all()
    conditions = {q.id for q in certificate_conditions(event)}
    note = (
        _("Sertifikat terbit setelah formulir ini diisi.")
        if questionnaire.id in conditions
        else _("Terima kasih atas partisipasi Anda.")
    )
    form, title = questionnaire.title, event.title
    subject = _("Mohon isi %(form)s: %(title)s", form=form, title=title)
    ask = _("mohon isi %(form)s untuk %(title)s melalui tautan pribadi Anda:", form=form, title=title)
    purpose = str(questionnaire.purpose)
    for person in people:
        link = public_url("questionnaires_public.answer", token=person.token, purpose=purpose)
        body = "\n\n".join([_("Halo %(name)s,", name=person.name), ask, link, note])
        values = {"nama": person.name, "formulir": form, "acara": title, "tautan": link, "batas": note}
        messages.notify(event, person, subject, body, "isi_formulir", values)
    record_for_event(actor, event, "questionnaire", questionnaire.id, "invited", {"count": len(people)})
    commit()
    return len(people)


@sentence_for("questionnaire", "invited")
def _invited(changes: dict) -> str:
    return _("Tautan formulir dikirim ke %(n)d peserta", n=changes.get("count", 0))


# --- Certificates -------------------------------------------------------------------------------


def certificate_conditions(
    event: Event, forms: Mapping[Purpose, Questionnaire] | None = None
) -> list[Questionnaire]:
    """The event's forms (`forms`, when the caller has them already) that are part of
    certificate eligibility."""
    return [
        q
        for q in (forms if forms is not None else of_event(event)).values()
        if (q.purpose == Purpose.EVALUATION and q.required_for_certificate)
        or (q.purpose == Purpose.POSTTEST and q.pass_percent)
    ]


def _best_percents(questionnaire: Questionnaire, registration_ids: Sequence[int] | None) -> dict[int, float]:
    """Each registration's best result; a test sent after its time limit is kept and shown but
    does not count here (the certificate's conditions)."""
    stmt = select(
        Response.registration_id, func.max(100.0 * Response.score / func.nullif(Response.max_score, 0))
    ).where(
        Response.questionnaire_id == questionnaire.id,
        Response.submitted_at.is_not(None),
        Response.late.is_(False),
    )
    if registration_ids is not None:
        stmt = stmt.where(Response.registration_id.in_(registration_ids))
    return {rid: float(p or 0) for rid, p in db.session.execute(stmt.group_by(Response.registration_id))}


def missing(
    event: Event,
    registration_ids: Sequence[int] | None = None,
    forms: Mapping[Purpose, Questionnaire] | None = None,
) -> dict[int, list[str]]:
    """For each registration (all, or those given) that has not met the forms' certificate
    conditions: what is still missing, in words. A registration not in the result meets them."""
    conditions = certificate_conditions(event, forms)
    if not conditions:
        return {}
    ids = (
        list(registration_ids)
        if registration_ids is not None
        else list(db.session.scalars(select(Registration.id).where(Registration.event_id == event.id)))
    )
    result: dict[int, list[str]] = {}
    for questionnaire in conditions:
        best = _best_percents(questionnaire, ids)
        for rid in ids:
            if questionnaire.purpose == Purpose.EVALUATION and rid not in best:
                result.setdefault(rid, []).append(_("mengisi evaluasi"))
            elif questionnaire.purpose == Purpose.POSTTEST and best.get(rid, -1) < (
                questionnaire.pass_percent or 0
            ):
                text = _("nilai post-test minimal %(min)d", min=questionnaire.pass_percent)
                if rid in best:
                    text += " " + _("(nilai Anda %(score)s)", score=f"{best[rid]:.0f}")
                result.setdefault(rid, []).append(text)
    return result


@dataclass
class ParticipantForm:
    questionnaire: Questionnaire
    standing: Standing
    closed: str | None


@dataclass
class ParticipantForms:
    """For a participant's page: the evaluation and tests they may fill in, and what they
    still have to do for a certificate besides attending."""

    forms: list[ParticipantForm]
    missing: list[str]


def participant_forms(registration: Registration, now: datetime) -> ParticipantForms:
    event = registration.event
    found = of_event(event)
    shown = [found[p] for p in (Purpose.PRETEST, Purpose.POSTTEST, Purpose.EVALUATION) if p in found]
    return ParticipantForms(
        [
            ParticipantForm(q, standing(q, registration), closed_reason(q, event, now))
            for q in shown
            if q.questions
        ],
        missing(event, [registration.id], found).get(registration.id, []),
    )


# --- Answers to the registration questions, for the registrants list ------------------------------


def answer_value(options: Sequence[str], row) -> object:
    """A stored answer as a cell: chosen options' words, the date, the number or the text."""
    if row.choices is not None:
        return "; ".join(options[i] for i in row.choices if i < len(options))
    if row.day is not None:
        return row.day
    if row.number is not None:
        return row.number
    if row.text in YES_NO:
        return YES_NO[row.text]()
    return row.text or ""


YES_NO = {"ya": lambda: _("Ya"), "tidak": lambda: _("Tidak")}


def shown(value: object) -> str:
    """A cell as people read it on a page: 17-08-2026, 2,5."""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float):
        return _num(value)
    return str(value)


def registration_answers(event: Event, registration_ids: Sequence[int]) -> dict[int, dict[str, object]]:
    """The answers to the event's registration questions, per registration and slot name,
    for the registrations given: one query."""
    questionnaire = for_event(event, Purpose.REGISTRATION)
    if questionnaire is None or not registration_ids:
        return {}
    options = {q.id: q.options for q in questionnaire.questions}
    rows = db.session.execute(
        select(Response.registration_id, Answer.question_id, Answer.person_id)
        .add_columns(Answer.text, Answer.number, Answer.day, Answer.choices)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.questionnaire_id == questionnaire.id, Response.registration_id.in_(registration_ids))
    )
    result: dict[int, dict[str, object]] = defaultdict(dict)
    for row in rows:
        name = f"q{row.question_id}" + (f"_{row.person_id}" if row.person_id else "")
        result[row.registration_id][name] = answer_value(options.get(row.question_id, []), row)
    return result


def filterable(event: Event) -> list[Question]:
    """Registration questions whose answers can filter the registrants list: the choices."""
    questionnaire = for_event(event, Purpose.REGISTRATION)
    if questionnaire is None:
        return []
    return [q for q in questionnaire.questions if q.kind.has_options or q.kind == Kind.YES_NO]


def registrations_answering(question: Question, value: str) -> list[int]:
    """The registrations whose answer to a choice question includes `value` (an option's index,
    or 'ya'/'tidak')."""
    rows = db.session.execute(
        select(Response.registration_id, Answer.choices, Answer.text)
        .join(Answer, Answer.response_id == Response.id)
        .where(Answer.question_id == question.id)
    )
    if question.kind == Kind.YES_NO:
        return [rid for rid, _choices, text in rows if text == value]
    wanted = int(value) if value.isdigit() else -1
    return [rid for rid, choices, _text in rows if wanted in (choices or [])]
