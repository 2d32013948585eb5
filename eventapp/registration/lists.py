"""The registrants as organizers read them: the filtered list, the counts, the export and the
recap."""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from eventapp.events.models import MODE_LABELS, Event, EventMode
from eventapp.extensions import db
from eventapp.i18n import utc_to_local, zone_label
from eventapp.kim.models import (
    GENDER_LABELS,
    OCCUPATION_LABELS,
    Kim,
)
from eventapp.outbox.models import OutboxMessage, OutboxStatus
from eventapp.phones import display_phone
from eventapp.questionnaires import services as questionnaires
from eventapp.regions.models import Region
from eventapp.registration.models import (
    SOURCE_LABELS,
    STATUS_LABELS,
    Registration,
    RegistrationMessage,
    RegistrationStatus,
)
from eventapp.registration.services import normalize_code


@dataclass
class RegistrantFilters:
    q: str = ""
    status: str = ""
    mode: str = ""
    kim_id: int | None = None
    region_id: int | None = None
    # Only those with a message that could not be delivered.
    undelivered: bool = False
    # Only those whose answer to one of the event's own choice questions is this:
    # (question id, option index or 'ya'/'tidak').
    answer: tuple[int, str] | None = None


def registrants_query(event: Event, filters: RegistrantFilters) -> Select:
    """An event's registrations, filtered, in registration order, with their KIM and region
    loaded for the whole page in two extra queries."""
    return _filtered(event, filters).options(
        selectinload(Registration.kim), selectinload(Registration.region)
    )


def _filtered(event: Event, filters: RegistrantFilters) -> Select:
    stmt = (
        select(Registration)
        .where(Registration.event_id == event.id)
        .order_by(Registration.created_at, Registration.id)
    )
    if filters.q.strip():
        pattern = f"%{filters.q.strip().lower()}%"
        digits = "".join(ch for ch in filters.q if ch.isdigit())
        conditions = [
            func.lower(Registration.name).like(pattern),
            Registration.code == normalize_code(filters.q),
        ]
        if len(digits) >= 4:
            conditions.append(Registration.phone.like(f"%{digits.lstrip('0')}%"))
        stmt = stmt.where(or_(*conditions))
    if filters.status in set(RegistrationStatus):
        stmt = stmt.where(Registration.status == filters.status)
    if filters.mode in (EventMode.LURING, EventMode.DARING):
        stmt = stmt.where(Registration.attendance_mode == filters.mode)
    if filters.kim_id:
        stmt = stmt.where(Registration.kim_id == filters.kim_id)
    if filters.region_id:
        stmt = stmt.where(Registration.region_id == filters.region_id)
    if filters.answer is not None:
        question_id, value = filters.answer
        question = next((q for q in questionnaires.filterable(event) if q.id == question_id), None)
        if question is not None:
            stmt = stmt.where(Registration.id.in_(questionnaires.registrations_answering(question, value)))
    if filters.undelivered:
        stmt = stmt.where(
            exists(
                select(RegistrationMessage.message_id)
                .join(OutboxMessage, OutboxMessage.id == RegistrationMessage.message_id)
                .where(
                    RegistrationMessage.registration_id == Registration.id,
                    OutboxMessage.status == OutboxStatus.FAILED,
                )
            )
        )
    return stmt


def message_history(registration_ids: list[int]) -> dict[int, list[OutboxMessage]]:
    """The messages sent to each of these registrants, newest first, in one query."""
    history: dict[int, list[OutboxMessage]] = {i: [] for i in registration_ids}
    if not registration_ids:
        return history
    rows = db.session.execute(
        select(RegistrationMessage.registration_id, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == RegistrationMessage.message_id)
        .where(RegistrationMessage.registration_id.in_(registration_ids))
        .order_by(OutboxMessage.id.desc())
    )
    for registration_id, message in rows:
        history[registration_id].append(message)
    return history


def latest_per_channel(history: dict[int, list[OutboxMessage]]) -> dict[int, list[OutboxMessage]]:
    """Each registrant's newest message on each channel: what the list shows."""
    latest = {}
    for registration_id, messages in history.items():
        seen: dict[str, OutboxMessage] = {}
        for message in messages:
            seen.setdefault(message.channel, message)
        latest[registration_id] = list(seen.values())
    return latest


def status_counts(event: Event) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    )
    return dict.fromkeys(RegistrationStatus, 0) | dict(rows.all())


def filter_options(event: Event) -> tuple[list[Kim], list[Region]]:
    """The KIM and kabupaten/kota that occur among an event's registrations."""
    kims = db.session.scalars(
        select(Kim)
        .where(Kim.id.in_(select(Registration.kim_id).where(Registration.event_id == event.id)))
        .order_by(Kim.name)
    ).all()
    regions = db.session.scalars(
        select(Region)
        .where(Region.id.in_(select(Registration.region_id).where(Registration.event_id == event.id)))
        .order_by(Region.name)
    ).all()
    return list(kims), list(regions)


EXPORT_COLUMNS = [
    "kode",
    "nama",
    "no_hp",
    "email",
    "jenis_kelamin",
    "pekerjaan",
    "kim",
    "instansi",
    "jabatan",
    "kabupaten_kota",
    "moda",
    "status",
    "sumber",
    "waktu_daftar",
]


# Rows read from the database at a time while an export is written.
EXPORT_CHUNK = 1000


def export(event: Event, filters: RegistrantFilters) -> tuple[list[str], Iterator[list]]:
    """The filtered registrants with every column, then the answers to the event's own
    questions, one column each. The rows come from one query read EXPORT_CHUNK at a time (KIM
    and region names joined in), and the answers one query per chunk, so memory stays flat."""
    extra = questionnaires.registration_slots(event)
    headers = EXPORT_COLUMNS + [s.question.label for s in extra]
    stmt = (
        _filtered(event, filters)
        .outerjoin(Kim, Kim.id == Registration.kim_id)
        .outerjoin(Region, Region.id == Registration.region_id)
        .add_columns(Kim.name, Region.name)
        .execution_options(yield_per=EXPORT_CHUNK)
    )
    zone = zone_label(event.timezone)

    def rows() -> Iterator[list]:
        for chunk in db.session.execute(stmt).partitions():
            answers = (
                questionnaires.registration_answers(event, [r.id for r, *_names in chunk]) if extra else {}
            )
            for r, kim_name, region_name in chunk:
                given = answers.get(r.id, {})
                yield [
                    r.code,
                    r.name,
                    display_phone(r.phone),
                    r.email or "",
                    str(GENDER_LABELS.get(r.gender, "")),
                    str(OCCUPATION_LABELS.get(r.occupation, "")),
                    kim_name or "",
                    r.institution,
                    r.position,
                    region_name or "",
                    str(MODE_LABELS.get(r.attendance_mode, "")),
                    str(STATUS_LABELS.get(r.status, "")),
                    str(SOURCE_LABELS.get(r.source, "")),
                    # Sorts as text and says its zone: "2026-12-01 09.00 WITA".
                    f"{utc_to_local(r.created_at, event.timezone):%Y-%m-%d %H.%M} {zone}",
                ] + [given.get(s.name, "") for s in extra]

    return headers, rows()


@dataclass
class Recap:
    by_region: list[tuple[str, int]]
    by_kim: list[tuple[str, int]]
    by_gender: list[tuple[str, int]]
    by_occupation: list[tuple[str, int]]
    total: int


def recap(event: Event) -> Recap:
    """Confirmed and waiting registrants counted by kabupaten/kota, KIM, gender and occupation."""

    def count_by(label, join=None) -> list[tuple[str, int]]:
        stmt = select(label, func.count()).select_from(Registration)
        if join is not None:
            stmt = stmt.outerjoin(*join)
        stmt = stmt.where(
            Registration.event_id == event.id, Registration.status != RegistrationStatus.CANCELLED
        )
        rows = db.session.execute(stmt.group_by(label).order_by(func.count().desc(), label))
        return [(name or "", count) for name, count in rows]

    by_gender = count_by(Registration.gender)
    return Recap(
        by_region=count_by(Region.name, (Region, Region.id == Registration.region_id)),
        by_kim=count_by(Kim.name, (Kim, Kim.id == Registration.kim_id)),
        by_gender=by_gender,
        by_occupation=count_by(Registration.occupation),
        total=sum(count for _, count in by_gender),
    )
