"""What a phone downloads besides the page: one stylesheet (Pico and ours, joined), a script
only where a page needs it, and the icon inside the page. Each file's address carries its
content's fingerprint, so it is kept for a year (immutable) and a new version is a new
address; with compression (Flask-Compress) a first visit fits in a few kilobytes."""

import base64
import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Blueprint, Flask, Response, abort, current_app, request, url_for

STYLESHEETS = ("vendor/pico-2.1.1/pico.min.css", "css/app.css")
YEAR = 365 * 24 * 3600

bp = Blueprint("assets", __name__)


def _static(filename: str) -> Path:
    return Path(current_app.static_folder or "") / filename


@lru_cache(maxsize=1)
def _stylesheet() -> tuple[bytes, str]:
    body = b"\n".join(_static(name).read_bytes() for name in STYLESHEETS)
    return body, hashlib.blake2b(body, digest_size=8).hexdigest()


@lru_cache(maxsize=2)
def _compressed_stylesheet(encoding: str) -> bytes:
    """The stylesheet compressed once, as hard as the codec goes (it is sent thousands of
    times and never changes while the app runs)."""
    body = _stylesheet()[0]
    return brotli.compress(body, quality=11) if encoding == "br" else gzip.compress(body, 9)


@lru_cache(maxsize=32)
def _fingerprint(filename: str) -> str:
    return hashlib.blake2b(_static(filename).read_bytes(), digest_size=8).hexdigest()


def stylesheet_url() -> str:
    return url_for("assets.stylesheet", fingerprint=_stylesheet()[1])


def asset_url(filename: str) -> str:
    """A static file's address with its fingerprint (served for a year)."""
    return url_for("static", filename=filename, v=_fingerprint(filename))


@lru_cache(maxsize=1)
def favicon_data_uri() -> str:
    """The site icon inside the page: no request of its own."""
    svg = _static("favicon.svg").read_bytes()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


@bp.route("/aset/gaya-<fingerprint>.css")
def stylesheet(fingerprint: str):
    body, current = _stylesheet()
    if fingerprint != current:
        abort(404)
    accepted = request.accept_encodings
    encoding = next((e for e in ("br", "gzip") if accepted[e]), None)
    response = Response(_compressed_stylesheet(encoding) if encoding else body, mimetype="text/css")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = YEAR
    response.cache_control.immutable = True
    return response


def _keep_fingerprinted(response: Response) -> Response:
    """A static file asked for by its fingerprint never changes at that address."""
    if request.endpoint == "static" and "v" in request.args and response.status_code == 200:
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.after_request(_keep_fingerprinted)
    app.jinja_env.globals.update(
        stylesheet_url=stylesheet_url, asset_url=asset_url, favicon_data_uri=favicon_data_uri
    )
