"""Recording changes inside the caller's unit of work, and telling them in Indonesian.

Each feature says how its own entries read (`sentence_for`), so the history page never shows
an internal code and this module needs to know no feature above it.
"""

from collections.abc import Callable
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.i18n import format_datetime


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def diff(obj, values: dict) -> dict:
    """{field: [old, new]} for the values that differ from what `obj` holds."""
    return {
        key: [_plain(getattr(obj, key)), _plain(value)]
        for key, value in values.items()
        if getattr(obj, key) != value
    }


def record(
    actor,
    organization_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict | None = None,
    event_id: int | None = None,
) -> None:
    """Add a history entry; it is saved with the caller's commit, or not at all."""
    db.session.add(
        AuditEntry(
            organization_id=organization_id,
            actor_id=actor.id if actor is not None and actor.id else None,
            entity=entity,
            entity_id=entity_id,
            event_id=event_id,
            action=action,
            changes={
                key: [_plain(v) for v in pair] if isinstance(pair, list) else _plain(pair)
                for key, pair in (changes or {}).items()
            },
        )
    )


def record_for_event(
    actor, event, entity: str, entity_id: int, action: str, changes: dict | None = None
) -> None:
    """A history entry about `event` (or something of it), shown on the event's history."""
    record(actor, event.organization_id, entity, entity_id, action, changes, event_id=event.id)


def event_history(event_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.event_id == event_id)
            .options(selectinload(AuditEntry.actor))  # the page names each entry's author
            .order_by(AuditEntry.id.desc())
        )
    )


# (entity, action) → the sentence for an entry, e.g. "Acara diterbitkan".
_SENTENCES: dict[tuple[str, str], Callable[[dict], str]] = {}
# Field name (or "entity.field" where an entity means something else by it) → its label in
# the details of an edit; values of fields not listed are not shown.
FIELD_LABELS: dict[str, Callable[[], str]] = {}
# Fields whose values are dates and times, shown in the event's zone.
_TIMES = {"starts_at", "ends_at", "registration_opens_at", "registration_closes_at", "closes_at"}
# Fields whose values are ids, codes, secrets or long texts: the history says only that they changed.
CHANGE_ONLY = {"description", "poster_filename", "online_passcode", "region_id"}


def sentence_for(entity: str, action: str):
    """Register how an entry of `entity`/`action` reads; the function gets the entry's changes."""

    def register(tell: Callable[[dict], str]) -> Callable[[dict], str]:
        _SENTENCES[(entity, action)] = tell
        return tell

    return register


def _value(key: str, value, tz_name: str) -> str:
    if value in (None, ""):
        return "—"
    if key in _TIMES and isinstance(value, str):
        return format_datetime(datetime.fromisoformat(value), tz_name)
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return str(value)


def describe(entry: AuditEntry, tz_name: str) -> tuple[str, list[str]]:
    """An entry as people read it: a sentence, and for edits one line per changed field."""
    tell = _SENTENCES.get((entry.entity, entry.action))
    sentence = tell(entry.changes) if tell else _("Data diubah")
    details = []
    if entry.action == "updated":
        for key, pair in entry.changes.items():
            label = FIELD_LABELS.get(f"{entry.entity}.{key}") or FIELD_LABELS.get(key)
            if label is None:
                continue
            if key in CHANGE_ONLY:
                details.append(_("%(field)s diubah", field=label()))
            else:
                old, new = (_value(key, v, tz_name) for v in pair)
                details.append(f"{label()}: {old} → {new}")
    return sentence, details
