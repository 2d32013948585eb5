"""Recording changes inside the caller's unit of work."""

from datetime import date, datetime

from sqlalchemy import select

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db


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


def event_history(event_id: int) -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id.desc())
        )
    )
