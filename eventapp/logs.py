"""Access logs without secrets or personal data (UU PDP): a logged path loses its query string
(searches carry names and phone numbers, a webhook check its verify token) and the token of a
participant, invitation, opt-out or password link, which opens that page to whoever reads the log."""

import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

_SECRET_IN_PATH = re.compile(r"^(/p|/undangan|/berhenti|/kelola/sandi)/[^/]+")


def redact_path(path: str) -> str:
    """'/p/AbC…?baru=1' → '/p/…'; '/kelola/kim/?q=0812…' → '/kelola/kim/'."""
    return _SECRET_IN_PATH.sub(r"\1/…", path.split("?", 1)[0])


def _redact_request_line(line: str) -> str:
    method, _, rest = line.partition(" ")
    target, _, protocol = rest.rpartition(" ")
    if not target:  # a malformed line: keep only the method
        return method
    return f"{method} {redact_path(target)} {protocol}"


class RedactRequestLines(logging.Filter):
    """For the development server (werkzeug), which logs the request line as it came."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (_redact_request_line(record.args[0]), *record.args[1:])
        return True


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's access log (see gunicorn.conf.py) with the same redaction; the referrer is
    left out, since it would carry the page someone came from."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '')} {path} {environ.get('SERVER_PROTOCOL', '')}"
        atoms["U"], atoms["q"], atoms["f"] = path, "", "-"
        return atoms


def init_app() -> None:
    logging.getLogger("werkzeug").addFilter(_werkzeug_filter)


_werkzeug_filter = RedactRequestLines()
