"""Contacts this browser has proven with a code, kept in the signed session cookie for a
while so that one code serves the next few pages."""

from datetime import datetime, timedelta

from flask import session

from eventapp.verification import services

_KEY = "proven_contacts"
LIFETIME = timedelta(minutes=30)
# A shared phone in a village hall may prove a few contacts one after another.
_KEPT = 5


def _current(now: datetime) -> dict[str, float]:
    return {c: until for c, until in session.get(_KEY, {}).items() if until > now.timestamp()}


def prove(contact: str, typed_code: str, now: datetime) -> None:
    """Check the code typed for `contact` and, when it is right, remember the contact as proven.
    Raises services.CodeRefused."""
    services.check_code(contact, typed_code, now)
    kept = _current(now)
    kept.pop(contact, None)
    kept[contact] = (now + LIFETIME).timestamp()
    session[_KEY] = dict(list(kept.items())[-_KEPT:])


def proven(contact: str, now: datetime) -> bool:
    return contact in _current(now)


def proven_contacts(now: datetime) -> list[str]:
    return list(_current(now))


def forget_all() -> None:
    session.pop(_KEY, None)
