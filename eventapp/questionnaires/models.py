from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp import labels
from eventapp.dbtypes import EnumText, UTCDateTime, utcnow
from eventapp.extensions import Model

if TYPE_CHECKING:
    from eventapp.events.models import Event


class Purpose(StrEnum):
    REGISTRATION = "pendaftaran"  # extra questions on the registration form
    EVALUATION = "evaluasi"
    PRETEST = "pretest"
    POSTTEST = "posttest"

    @property
    def is_test(self) -> bool:
        return self in (Purpose.PRETEST, Purpose.POSTTEST)


PURPOSE_LABELS = {
    Purpose.REGISTRATION: _l("Pertanyaan pendaftaran"),
    Purpose.EVALUATION: _l("Evaluasi"),
    Purpose.PRETEST: _l("Pre-test"),
    Purpose.POSTTEST: _l("Post-test"),
}


class Kind(StrEnum):
    SHORT_TEXT = "teks"
    PARAGRAPH = "paragraf"
    RADIO = "pilihan"
    DROPDOWN = "dropdown"
    CHECKBOXES = "centang"
    NUMBER = "angka"
    DATE = "tanggal"
    YES_NO = "ya_tidak"
    SCALE = "skala"
    # A test question: one right option, worth `points`.
    QUIZ = "soal"

    @property
    def has_options(self) -> bool:
        return self in (Kind.RADIO, Kind.DROPDOWN, Kind.CHECKBOXES, Kind.QUIZ)


KIND_LABELS = {
    Kind.SHORT_TEXT: _l("Jawaban singkat"),
    Kind.PARAGRAPH: _l("Paragraf"),
    Kind.RADIO: _l("Pilihan tunggal (tombol)"),
    Kind.DROPDOWN: _l("Pilihan tunggal (daftar turun)"),
    Kind.CHECKBOXES: _l("Pilihan ganda (boleh lebih dari satu)"),
    Kind.NUMBER: _l("Angka"),
    Kind.DATE: _l("Tanggal"),
    Kind.YES_NO: _l("Ya/tidak"),
    Kind.SCALE: _l("Skala 1–5"),
    Kind.QUIZ: _l("Soal tes (satu jawaban benar)"),
}


class Questionnaire(Model):
    """An ordered list of questions: an event's (one per purpose) or an office's template."""

    __tablename__ = "questionnaires"
    __table_args__ = (
        UniqueConstraint("event_id", "purpose", name="uq_questionnaires_event_id_purpose"),
        CheckConstraint(
            "purpose IN ('pendaftaran', 'evaluasi', 'pretest', 'posttest')", name="purpose_known"
        ),
        CheckConstraint("max_attempts BETWEEN 1 AND 10", name="attempts_bounded"),
        CheckConstraint(
            "time_limit_minutes IS NULL OR time_limit_minutes BETWEEN 1 AND 600", name="time_limit_bounded"
        ),
        CheckConstraint(
            "pass_percent IS NULL OR pass_percent BETWEEN 1 AND 100", name="pass_percent_bounded"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # None: an office template ("Evaluasi standar Diskominfo") to copy into events.
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[Purpose] = mapped_column(EnumText(Purpose, 12))
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    # When participants may answer; None: the event's schedule decides (see services.window).
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_limit_minutes: Mapped[int | None]
    max_attempts: Mapped[int] = mapped_column(default=1)
    shuffle: Mapped[bool] = mapped_column(default=False)
    show_score: Mapped[bool] = mapped_column(default=True)
    # Certificate conditions: the evaluation filled in; at least this post-test score.
    required_for_certificate: Mapped[bool] = mapped_column(default=False)
    pass_percent: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped["Event | None"] = relationship()
    questions: Mapped[list["Question"]] = relationship(
        back_populates="questionnaire", cascade="all, delete-orphan", order_by="Question.position"
    )


class Question(Model):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('teks', 'paragraf', 'pilihan', 'dropdown', 'centang', 'angka', 'tanggal', "
            "'ya_tidak', 'skala', 'soal')",
            name="kind_known",
        ),
        CheckConstraint("points BETWEEN 0 AND 100", name="points_bounded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[Kind] = mapped_column(EnumText(Kind, 10))
    label: Mapped[str] = mapped_column(String(500))
    help_text: Mapped[str] = mapped_column(String(500), default="")
    required: Mapped[bool] = mapped_column(default=False)
    # The choices, in order; answers refer to them by index.
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    correct_option: Mapped[int | None]
    points: Mapped[int] = mapped_column(default=1)
    min_number: Mapped[float | None]
    max_number: Mapped[float | None]
    low_label: Mapped[str] = mapped_column(String(60), default="")
    high_label: Mapped[str] = mapped_column(String(60), default="")
    # An evaluation question asked once for each narasumber on the programme.
    per_speaker: Mapped[bool] = mapped_column(default=False)

    questionnaire: Mapped[Questionnaire] = relationship(back_populates="questions")

    @property
    def field_name(self) -> str:
        return f"q{self.id}"


class Response(Model):
    """One person's answers to one questionnaire (for a test: one attempt)."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint(
            "questionnaire_id",
            "registration_id",
            "attempt",
            name="uq_responses_questionnaire_id_registration_id_attempt",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A test's points and the most it could have had.
    score: Mapped[int | None]
    max_score: Mapped[int | None]
    # Sent after the time limit (and its grace): kept and scored, and shown as late.
    late: Mapped[bool] = mapped_column(default=False)

    answers: Mapped[list["Answer"]] = relationship(back_populates="response", cascade="all, delete-orphan")

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)


class Answer(Model):
    """One answer, typed: text, number, date or chosen options (indexes into the options)."""

    __tablename__ = "answers"
    __table_args__ = (Index("ix_answers_question_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    # For a question asked per narasumber: which one.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("event_people.id", ondelete="CASCADE"))
    text: Mapped[str | None] = mapped_column(Text)
    number: Mapped[float | None]
    day: Mapped[date | None]
    choices: Mapped[list[int] | None] = mapped_column(JSON)
    correct: Mapped[bool | None]

    response: Mapped[Response] = relationship(back_populates="answers")


labels.register(questionnaire_purpose=PURPOSE_LABELS, question_kind=KIND_LABELS)
