"""Contacts this browser has proven with a code, kept in the signed session cookie for a
while so that one code serves the next few pages of the same purpose. A proof made to
register does not open 'Sertifikat saya': on a phone passed round a village hall, the next
person must not see the last one's certificates."""

from datetime import datetime, timedelta

from flask import session

from eventapp.verification import services

_KEY = "proven_contacts"
LIFETIME = timedelta(minutes=30)
# A shared phone in a village hall may prove a few contacts one after another.
_KEPT = 5


# What a proof is for.
CERTIFICATES, CHAIR, REGISTRATION = "sertifikat", "ketua", "pendaftaran"


def _current(purpose: str, now: datetime) -> dict[str, float]:
    kept = session.get(_KEY, {}).get(purpose, {})
    return {c: until for c, until in kept.items() if until > now.timestamp()}


def prove(contact: str, typed_code: str, purpose: str, now: datetime) -> None:
    """Check the code typed for `contact` and, when it is right, remember the contact as proven
    for `purpose`. Raises services.CodeRefused."""
    services.check_code(contact, purpose, typed_code, now)
    kept = _current(purpose, now)
    kept.pop(contact, None)
    kept[contact] = (now + LIFETIME).timestamp()
    session[_KEY] = {**session.get(_KEY, {}), purpose: dict(list(kept.items())[-_KEPT:])}


def proven(contact: str, purpose: str, now: datetime) -> bool:
    return contact in _current(purpose, now)


def proven_contacts(purpose: str, now: datetime) -> list[str]:
    return list(_current(purpose, now))


def forget(purpose: str) -> None:
    session[_KEY] = {k: v for k, v in session.get(_KEY, {}).items() if k != purpose}
