"""Where requests come in and responses go out: what no page should have to see to itself.

Numbers in paths are bounded to what the database stores, a NUL byte anywhere in a request is
refused before any page sees it (PostgreSQL cannot store one), list pages are bounded, and no
page is kept by a browser or proxy cache unless it says so itself.
"""

from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.routing import IntegerConverter

from eventapp import textrules
from eventapp.extensions import db

Row = TypeVar("Row")

# Far beyond any real list, and small enough that page × size stays a valid OFFSET.
MAX_PAGE = 100_000


class BoundedIntegerConverter(IntegerConverter):
    """`<int:id>` that matches only ids the database can hold: anything longer is 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=textrules.MAX_INT, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_nul_bytes() -> None:
    """Reject a request that carries a NUL byte in its path, query or form fields."""
    values = [request.path]
    sources = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
        values.extend(storage.filename or "" for storage in request.files.values())
    for source in sources:
        for key, items in source.lists():
            values.append(key)
            values.extend(items)
    if any("\x00" in value for value in values):
        abort(400)


def safe_next(target: str | None) -> str | None:
    """Only follow a 'next' address to a path on this site (never //other.host)."""
    if not target:
        return None
    parts = urlsplit(target)
    plain_path = not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target
    return target if plain_path and not target.startswith("//") else None


def belonging_or_404(model: type[Row], ident: int, **owner) -> Row:
    """The row of `model` with id `ident`, if it belongs where the address says (for example
    event_id=event.id); any other id is 'not found', so ids of other events tell nothing."""
    found = db.session.get(model, ident)
    if found is None or any(getattr(found, key) != value for key, value in owner.items()):
        abort(404)
    return found


def public_url(endpoint: str, **values) -> str:
    """An absolute address on the public site (BASE_URL) for a page of the URL map, also in
    jobs and mails written outside any request."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def paginate(stmt: Select, per_page: int) -> Pagination:
    """One page of `stmt`, by the `page` query parameter, kept between 1 and MAX_PAGE."""
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), MAX_PAGE)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def no_store_by_default(response: Response) -> Response:
    """Pages, exports and PDFs carry personal data: caches keep none of it. Static files, what a
    view declared public (posters, logos) and what it let the browser alone keep (cached public
    pages, private and revalidated each time) are left alone."""
    cache = response.cache_control
    if request.endpoint != "static" and not (cache.public or cache.private):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    # Routes read the converter when they are added, so this comes before the blueprints.
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_nul_bytes)
    app.after_request(no_store_by_default)
