"""Rules for what people type, shared by the forms and by the services that take the same
values from spreadsheets: web links, single-line text, and the range of numbers and dates."""

import re
from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

WEB_URL_SCHEMES = ("http", "https")
# What fits a PostgreSQL INTEGER column, the type of every id and count in the schema.
MAX_INT = 2_147_483_647
# Dates people may type: wide enough for a KIM founded in the last century, narrow enough that
# converting to and from UTC or adding a few days never leaves what datetime can hold.
MIN_YEAR, MAX_YEAR = 1900, 2100

# Any control character: a line break or tab in a one-line field breaks mail headers and
# calendar files; the others are never typed by people.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_EXCEPT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


WEB_URL_MESSAGE = _l("Tautan harus diawali https:// atau http://, misalnya https://contoh.go.id.")
LINE_BREAK_MESSAGE = _l("Isian ini tidak boleh berisi baris baru atau karakter kontrol.")


def is_web_url(value: str) -> bool:
    """True for an http(s) link to a host, the only kind we ever render as a link."""
    if _CONTROL.search(value) or " " in value.strip():
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_URL_SCHEMES and bool(parts.hostname)


def all_web_urls(links) -> bool:
    """True when each link given (empty ones aside) is a web link."""
    return all(is_web_url(link) for link in links if link.strip())


def is_single_line(value: str) -> bool:
    return not _CONTROL.search(value)


def is_clean_text(value: str) -> bool:
    """Multi-line text: line breaks and tabs are fine, other control characters are not."""
    return not _CONTROL_EXCEPT_LINES.search(value)


def in_int_range(value: int) -> bool:
    return -MAX_INT <= value <= MAX_INT


def in_date_range(value: date) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR
