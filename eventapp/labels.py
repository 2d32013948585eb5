"""The words people read for stored codes ('confirmed' → 'Terdaftar'), in one registry.

Each feature's models register their vocabularies when imported; templates write
`{{ registration.status|label("registration_status") }}` and list the choices of a filter
with `vocabulary("event_kind")`. Views pass no label dictionaries.
"""

from collections.abc import Mapping

_VOCABULARIES: dict[str, Mapping] = {}


def register(**vocabularies: Mapping) -> None:
    """Make vocabularies ({code: words}) known under their names."""
    _VOCABULARIES.update(vocabularies)


def vocabulary(name: str) -> Mapping:
    """All the codes of a vocabulary with their words, in order (for select options)."""
    return _VOCABULARIES[name]


def label(code, name: str) -> str:
    """The words for `code` in vocabulary `name`; a code the vocabulary lacks shows as it is."""
    if code is None:
        return ""
    return str(_VOCABULARIES[name].get(code, code))
