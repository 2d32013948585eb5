"""Public pages rendered once and served to every anonymous visitor for a few seconds.

When a WhatsApp blast sends thousands of people to one event within a minute, each gunicorn
worker renders the event page (and the registration form) once per PAGE_CACHE_SECONDS and
hands the same bytes to everyone else, with an ETag and Last-Modified so that a phone
asking again gets 304. Seat counts on a cached page are at most that old, and any change to
the event shows within that time.

What belongs to one visitor is never cached: the page is rendered with markers where the
CSRF token and the form's signed time go, and each response fills in that visitor's own.
Signed-in people and pages with a flashed message are always rendered afresh.
"""

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

LIMIT = 1000
# Drawn anew in each process: no text an organizer writes can contain them.
CSRF_MARK = f"@@csrf-{secrets.token_hex(16)}@@"
SHOWN_MARK = f"@@shown-{secrets.token_hex(16)}@@"

_entries: OrderedDict[tuple, "_Entry"] = OrderedDict()
_lock = threading.Lock()


class _Entry:
    __slots__ = ("body", "etag", "expires", "modified", "status")

    def __init__(self, body: str, status: int, etag: str, modified: datetime, expires: float):
        self.body, self.status, self.etag, self.modified, self.expires = body, status, etag, modified, expires


def applies() -> bool:
    """Whether this request may be answered from the cache."""
    return (
        current_app.config["PAGE_CACHE_SECONDS"] > 0
        and request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def rendering() -> bool:
    """True while a page is being rendered for the cache: per-visitor values become markers."""
    return g.get("pagecache_rendering", False)


def _csrf_token() -> str:
    return CSRF_MARK if rendering() else generate_csrf()


def serve(key: tuple, render: Callable[[], tuple[str, int]], fill: dict[str, Callable[[], str]]) -> Response:
    """The page for `key` (with the visitor's language), rendered by `render` at most once every
    PAGE_CACHE_SECONDS in this process; `fill` gives each marker its per-visitor value."""
    # The address as asked (a page may link to itself, built from the Host header: a request
    # with a forged Host must not put its links into everyone's page) and the language.
    full_key = (*key, request.host_url, request.query_string, str(get_locale()))
    now = time.monotonic()
    with _lock:
        entry = _entries.get(full_key)
    if entry is None or entry.expires <= now:
        g.pagecache_rendering = True
        try:
            body, status = render()
        finally:
            g.pagecache_rendering = False
        etag = hashlib.blake2b(body.encode(), digest_size=12).hexdigest()
        modified = entry.modified if entry is not None and entry.etag == etag else datetime.now(UTC)
        lifetime = current_app.config["PAGE_CACHE_SECONDS"]
        entry = _Entry(body, status, etag, modified.replace(microsecond=0), now + lifetime)
        with _lock:
            _entries[full_key] = entry
            _entries.move_to_end(full_key)
            while len(_entries) > LIMIT:
                _entries.popitem(last=False)
    body = entry.body.replace(CSRF_MARK, generate_csrf()) if CSRF_MARK in entry.body else entry.body
    for mark, value in fill.items():
        body = body.replace(mark, value())
    response = Response(body, status=entry.status, mimetype="text/html")
    response.set_etag(entry.etag, weak=True)
    response.last_modified = entry.modified
    # The browser alone keeps the page (it holds the visitor's token) and asks each time; an
    # unchanged page costs a 304.
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    """Templates' csrf_token() gives the marker while a page is rendered for the cache (this
    replaces what Flask-WTF's init_app put in place, so it comes after it)."""
    app.jinja_env.globals["csrf_token"] = _csrf_token
    app.context_processor(lambda: {"csrf_token": _csrf_token})
