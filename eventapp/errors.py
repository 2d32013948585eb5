"""Domain errors raised by services, and the HTTP error pages."""

from flask import Flask, render_template
from flask_babel import gettext as _

from eventapp.extensions import db


class DomainError(Exception):
    """A business rule said no; `code` is stable for tests and logs, `message` is for people."""

    code = "domain_error"

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class NotFound(DomainError):
    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class ValidationFailed(DomainError):
    """What was typed breaks a rule; `problems` may list every one of them, as (field, message)
    pairs or {field: message}."""

    code = "validation_failed"

    def __init__(
        self,
        message: str,
        code: str | None = None,
        problems: list[tuple[str, str]] | dict[str, str] | None = None,
    ):
        super().__init__(message, code)
        self.problems = problems


def register_error_pages(app: Flask) -> None:
    """Friendly pages for the HTTP errors people can actually meet."""

    messages = {
        400: lambda: _("Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi."),
        403: lambda: _("Anda tidak memiliki akses ke halaman ini."),
        404: lambda: _("Halaman yang Anda cari tidak ditemukan."),
        405: lambda: _("Halaman ini tidak dapat dibuka dengan cara itu. Kembali lalu coba lagi."),
        413: lambda: _("Berkas yang dikirim terlalu besar."),
        429: lambda: _("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
        500: lambda: _("Terjadi kesalahan pada server. Silakan coba lagi nanti."),
    }

    def render(status: int):
        def handler(error):
            # The failed request may have left its transaction broken (PostgreSQL refuses every
            # later statement until a rollback); the error page must not fail on it too.
            db.session.rollback()
            return render_template("errors/error.html", status=status, message=messages[status]()), status

        return handler

    for status in messages:
        app.register_error_handler(status, render(status))
