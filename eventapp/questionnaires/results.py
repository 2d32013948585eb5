"""What the answers say: per question the distribution, averages and open answers; for
tests, each participant's pre/post scores, the gain and which questions did not land. Each
is computed from a fixed number of queries, whatever the number of responses."""

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby

from flask_babel import gettext as _
from sqlalchemy import select

from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.i18n import utc_to_local
from eventapp.questionnaires.models import Answer, Kind, Purpose, Questionnaire, Response
from eventapp.questionnaires.services import YES_NO, Slot, answer_value, of_event, slots
from eventapp.registration.models import Registration

_ANSWER_COLUMNS = (
    Answer.question_id,
    Answer.person_id,
    Answer.text,
    Answer.number,
    Answer.day,
    Answer.choices,
)


@dataclass
class Bar:
    label: str
    count: int
    percent: float
    correct: bool = False


@dataclass
class QuestionResult:
    slot: Slot
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


@dataclass
class Results:
    questionnaire: Questionnaire
    responses: int
    questions: list[QuestionResult]


def _submitted_answers(questionnaire: Questionnaire):
    return db.session.execute(
        select(*_ANSWER_COLUMNS)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == questionnaire.id, Response.submitted_at.is_not(None))
    ).all()


def _bars(labels: list[str], counts: Counter, answered: int, correct: int | None = None) -> list[Bar]:
    return [
        Bar(text, counts[i], round(100 * counts[i] / answered, 1) if answered else 0.0, i == correct)
        for i, text in enumerate(labels)
    ]


def results(questionnaire: Questionnaire, event: Event) -> Results:
    """Every question's figures, from three queries (questions, answers, the count)."""
    responses = db.session.scalar(
        select(db.func.count(Response.id)).where(
            Response.questionnaire_id == questionnaire.id, Response.submitted_at.is_not(None)
        )
    )
    by_slot: dict[tuple[int, int | None], list] = defaultdict(list)
    for row in _submitted_answers(questionnaire):
        by_slot[(row.question_id, row.person_id)].append(row)
    figures = []
    for slot in slots(questionnaire, event):
        question = slot.question
        rows = by_slot[(question.id, slot.person.id if slot.person else None)]
        result = QuestionResult(slot, answered=len(rows))
        if question.kind.has_options:
            counts = Counter(i for row in rows for i in row.choices or [])
            result.bars = _bars(question.options, counts, len(rows), question.correct_option)
        elif question.kind == Kind.YES_NO:
            counts = Counter({0: sum(r.text == "ya" for r in rows), 1: sum(r.text == "tidak" for r in rows)})
            result.bars = _bars([YES_NO["ya"](), YES_NO["tidak"]()], counts, len(rows))
        elif question.kind == Kind.SCALE:
            counts = Counter(int(r.number) - 1 for r in rows)
            labels = [str(n) for n in range(1, 6)]
            labels[0] += f" ({question.low_label})" if question.low_label else ""
            labels[4] += f" ({question.high_label})" if question.high_label else ""
            result.bars = _bars(labels, counts, len(rows))
            result.average = round(sum(r.number for r in rows) / len(rows), 2) if rows else None
        elif question.kind == Kind.NUMBER:
            result.average = round(sum(r.number for r in rows) / len(rows), 2) if rows else None
            result.texts = [f"{r.number:g}" for r in rows]
        elif question.kind == Kind.DATE:
            result.texts = sorted(r.day.strftime("%d-%m-%Y") for r in rows)
        else:
            result.texts = [r.text for r in rows]
        figures.append(result)
    return Results(questionnaire, responses or 0, figures)


def export(questionnaire: Questionnaire, event: Event) -> tuple[list[str], Iterator[list]]:
    """One row per submitted response: who, when, the score of a test, then every answer;
    the rows are read from the database as they are written out."""
    places = slots(questionnaire, event)
    is_test = questionnaire.purpose.is_test
    headers = [_("Kode"), _("Nama"), _("Dikirim")]
    if is_test:
        headers += [_("Percobaan"), _("Nilai"), _("Nilai maksimal"), _("Terlambat")]
    headers += [s.question.label + (f" — {s.person.name}" if s.person else "") for s in places]
    index = {(s.question.id, s.person.id if s.person else None): n for n, s in enumerate(places)}
    options = {s.question.id: s.question.options for s in places}
    stmt = (
        select(Response, Registration.code, Registration.name, *_ANSWER_COLUMNS)
        .join(Registration, Registration.id == Response.registration_id)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.questionnaire_id == questionnaire.id, Response.submitted_at.is_not(None))
        .order_by(Response.submitted_at, Response.id)
        .execution_options(yield_per=1000)
    )

    def rows() -> Iterator[list]:
        for _id, group in groupby(db.session.execute(stmt), key=lambda row: row.Response.id):
            cells: list[object] = [""] * len(places)
            first = None
            for row in group:
                first = first or row
                at = index.get((row.question_id, row.person_id))
                if at is not None:
                    cells[at] = answer_value(options[row.question_id], row)
            assert first is not None
            response = first.Response
            sent = utc_to_local(response.submitted_at, event.timezone).replace(tzinfo=None, microsecond=0)
            head: list[object] = [first.code, first.name, sent]
            if is_test:
                late = _("ya") if response.late else ""
                head += [response.attempt, response.score, response.max_score, late]
            yield head + cells

    return headers, rows()


# --- Pre-test and post-test ------------------------------------------------------------------------


@dataclass
class TestRow:
    registration: Registration
    pre: float | None
    post: float | None

    @property
    def gain(self) -> float | None:
        return None if self.pre is None or self.post is None else round(self.post - self.pre, 1)


@dataclass
class TopicRow:
    label: str
    pre: float | None  # share answering right, in percent
    post: float | None


@dataclass
class TestReport:
    pretest: Questionnaire | None
    posttest: Questionnaire | None
    rows: list[TestRow]
    topics: list[TopicRow]

    def _average(self, values: list[float]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    @property
    def pre_average(self) -> float | None:
        return self._average([r.pre for r in self.rows if r.pre is not None])

    @property
    def post_average(self) -> float | None:
        return self._average([r.post for r in self.rows if r.post is not None])

    @property
    def gain_average(self) -> float | None:
        return self._average([r.gain for r in self.rows if r.gain is not None])

    @property
    def improved_share(self) -> float | None:
        both = [r for r in self.rows if r.gain is not None]
        return round(100 * sum((r.gain or 0) > 0 for r in both) / len(both), 1) if both else None


def _scores(questionnaire: Questionnaire | None, best: bool) -> dict[int, float]:
    """Each participant's score in percent: the first attempt of a pre-test, the best of a
    post-test."""
    if questionnaire is None:
        return {}
    result: dict[int, float] = {}
    for response in db.session.scalars(
        select(Response)
        .where(Response.questionnaire_id == questionnaire.id, Response.submitted_at.is_not(None))
        .order_by(Response.attempt)
    ):
        percent = response.percent
        if percent is None:
            continue
        if response.registration_id not in result or (best and percent > result[response.registration_id]):
            result[response.registration_id] = percent
    return result


def _share_correct(questionnaire: Questionnaire | None, first_only: bool) -> dict[str, float]:
    """Per question (by its words) the share of answers that were right, in percent."""
    if questionnaire is None:
        return {}
    labels = {q.id: " ".join(q.label.lower().split()) for q in questionnaire.questions}
    stmt = (
        select(Answer.question_id, Answer.correct)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.questionnaire_id == questionnaire.id, Response.submitted_at.is_not(None))
    )
    if first_only:
        stmt = stmt.where(Response.attempt == 1)
    right: Counter = Counter()
    total: Counter = Counter()
    for question_id, correct in db.session.execute(stmt):
        total[question_id] += 1
        right[question_id] += bool(correct)
    return {labels[q]: round(100 * right[q] / total[q], 1) for q in total if q in labels}


def test_report(event: Event) -> TestReport:
    forms = of_event(event)
    pretest, posttest = forms.get(Purpose.PRETEST), forms.get(Purpose.POSTTEST)
    pre, post = _scores(pretest, best=False), _scores(posttest, best=True)
    people = db.session.scalars(
        select(Registration).where(Registration.id.in_(set(pre) | set(post))).order_by(Registration.name)
    )
    rows = [TestRow(r, pre.get(r.id), post.get(r.id)) for r in people]
    pre_share, post_share = _share_correct(pretest, True), _share_correct(posttest, False)
    topics = []
    seen = set()
    for questionnaire in (posttest, pretest):
        for question in questionnaire.questions if questionnaire else []:
            key = " ".join(question.label.lower().split())
            if key not in seen:
                seen.add(key)
                topics.append(TopicRow(question.label, pre_share.get(key), post_share.get(key)))
    return TestReport(pretest, posttest, rows, topics)


def report_rows(report: TestReport) -> tuple[list[str], list[list]]:
    headers = [_("Kode"), _("Nama"), _("Pre-test"), _("Post-test"), _("Kenaikan")]
    return headers, [[r.registration.code, r.registration.name, r.pre, r.post, r.gain] for r in report.rows]
