"""An event's seat counts, kept on its own row: per mode how many are confirmed and waiting,
and the last queue number handed out. Admitting someone reads and moves them with one
UPDATE … RETURNING under the row's lock, so the time the lock is held, and the cost of
showing seats left, do not grow with the number of registrations.

The counts follow every change to a registration's status or mode by themselves: after each
flush, the net change of the registrations flushed is added to their events' rows in the
same transaction, whatever service made it."""

from collections import Counter
from typing import cast

from sqlalchemy import Table, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from eventapp.events.models import Event, EventMode
from eventapp.extensions import db
from eventapp.registration.models import Registration, RegistrationStatus

_events = cast(Table, Event.__table__)

COLUMNS = {
    (RegistrationStatus.CONFIRMED, EventMode.LURING): "confirmed_luring",
    (RegistrationStatus.CONFIRMED, EventMode.DARING): "confirmed_daring",
    (RegistrationStatus.WAITLISTED, EventMode.LURING): "waiting_luring",
    (RegistrationStatus.WAITLISTED, EventMode.DARING): "waiting_daring",
}


def take_queue_place(event: Event, mode: str) -> tuple[int, int]:
    """Lock the event's row and hand out the next queue number: (confirmed in `mode` now, the
    number). The UPDATE waits for any other admission to commit and then reads its result,
    which a plain snapshot read under READ COMMITTED would not."""
    confirmed = _events.c[COLUMNS[(RegistrationStatus.CONFIRMED, EventMode(mode))]]
    number, count = db.session.execute(
        _events.update()
        .where(_events.c.id == event.id)
        .values(queue_last=_events.c.queue_last + 1, updated_at=_events.c.updated_at)
        .returning(_events.c.queue_last, confirmed)
    ).one()
    return count, number


def confirmed_in(event: Event, mode: str) -> int:
    """Confirmed registrations in `mode`; the caller holds the event's lock."""
    column = _events.c[COLUMNS[(RegistrationStatus.CONFIRMED, EventMode(mode))]]
    return db.session.scalar(select(column).where(_events.c.id == event.id)) or 0


def counts(event: Event) -> dict[tuple[str, str], int]:
    """(status, mode) → registrations, read from the event's row."""
    row = db.session.execute(
        select(*(_events.c[name] for name in COLUMNS.values())).where(_events.c.id == event.id)
    ).one()
    return dict(zip(COLUMNS, row, strict=True))


def _before(registration: Registration, key: str):
    """The value an attribute had before this flush."""
    history = inspect(registration).attrs[key].history
    if history.deleted:
        return history.deleted[0]
    return history.unchanged[0] if history.unchanged else getattr(registration, key)


def _add(deltas: Counter, event_id: int, status, mode, step: int) -> None:
    name = COLUMNS.get((status, mode))
    if name is not None:
        deltas[(event_id, name)] += step


def _follow_registrations(session: Session, _flush_context) -> None:
    deltas: Counter = Counter()
    for registration in session.new:
        if isinstance(registration, Registration):
            _add(deltas, registration.event_id, registration.status, registration.attendance_mode, 1)
    for registration in session.dirty:
        if isinstance(registration, Registration) and session.is_modified(registration):
            old = (_before(registration, "status"), _before(registration, "attendance_mode"))
            new = (registration.status, registration.attendance_mode)
            if old != new:
                _add(deltas, registration.event_id, *old, -1)
                _add(deltas, registration.event_id, *new, 1)
    for registration in session.deleted:
        if isinstance(registration, Registration):
            _add(deltas, registration.event_id, registration.status, registration.attendance_mode, -1)
    by_event: dict[int, dict] = {}
    for (event_id, name), step in deltas.items():
        if step:
            by_event.setdefault(event_id, {})[name] = _events.c[name] + step
    for event_id, values in by_event.items():
        # A registration is not a change to the event: its updated_at stays.
        values["updated_at"] = _events.c.updated_at
        session.connection().execute(_events.update().where(_events.c.id == event_id).values(**values))


sa_event.listen(Session, "after_flush", _follow_registrations)
