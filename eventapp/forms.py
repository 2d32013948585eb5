"""Form pieces shared by every feature."""

from collections.abc import Mapping
from datetime import date, datetime

from flask import current_app, request
from flask_babel import Domain
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, TimestampSigner
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import Field, FileField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from eventapp import pagecache, textrules
from eventapp.errors import DomainError

# WTForms ships no Indonesian messages; ours live in translations/id/LC_MESSAGES/wtforms.po.
_wtforms_messages = Domain(domain="wtforms")


class _WTFormsTranslations:
    def gettext(self, string):
        return _wtforms_messages.gettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_messages.ngettext(singular, plural, n)


class Form(FlaskForm):
    """Every form of the app: CSRF from Flask-WTF, built-in validator messages in the person's
    language, and the rules every field of a kind keeps (see `field_problem`)."""

    class Meta:
        def get_translations(self, form):
            return _WTFormsTranslations()

        def wrap_formdata(self, form, formdata):
            """What a browser's form sends, and only that: an uploaded file only for a file
            field (a file posted under a text field's name would reach its validators), and
            no JSON body read as a form."""
            if request.is_json:
                return MultiDict()
            # Flask-WTF has no type information: mypy cannot see the method it defines.
            wrapped = super().wrap_formdata(form, formdata)  # type: ignore[misc]
            if not isinstance(wrapped, CombinedMultiDict):
                return wrapped
            file_fields = {name for name, field in form._fields.items() if isinstance(field, FileField)}
            files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in file_fields])
            return CombinedMultiDict([files, request.form])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if pagecache.rendering() and "csrf_token" in self:
            self.csrf_token.current_token = pagecache.CSRF_MARK

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = field_problem(field)
            if problem is not None:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def field_problem(field: Field) -> str | None:
    """What no field of its kind may hold, whatever its own validators say: a line break in a
    one-line field, a control character anywhere, a number beyond what the database stores, a
    date outside years people mean."""
    data = field.data
    if isinstance(data, str):
        if isinstance(field, TextAreaField):
            clean = textrules.is_clean_text(data)
        else:
            clean = not isinstance(field, StringField) or textrules.is_single_line(data)
        if not clean:
            return str(textrules.LINE_BREAK_MESSAGE)
    elif isinstance(field, IntegerField) and isinstance(data, int) and not textrules.in_int_range(data):
        return str(_l("Angka terlalu besar."))
    elif isinstance(data, date | datetime) and not textrules.in_date_range(data):
        return str(
            _l("Tahun harus antara %(min)d dan %(max)d.", min=textrules.MIN_YEAR, max=textrules.MAX_YEAR)
        )
    return None


def web_url(form, field: Field) -> None:
    """The one validator of every link an organizer types: only http(s) links are accepted."""
    if field.data and not textrules.is_web_url(field.data):
        raise ValidationError(
            _l("Tautan harus diawali https:// atau http://, misalnya https://contoh.go.id.")
        )


def optional_int(value) -> int | None:
    """Coerce a select's or a URL parameter's value to int. The empty 'pilih' option and
    anything that is not a number the database can hold count as nothing chosen."""
    if value in (None, "", "None"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if textrules.in_int_range(number) else None


def required(message=None):
    return DataRequired(message=message or _l("Wajib diisi."))


def max_length(limit: int):
    return Length(max=limit, message=_l("Maksimal %(max)d karakter.", max=limit))


class ChoiceRequired:
    """For selects whose empty option means 'nothing chosen yet'."""

    field_flags = {"required": True}  # marked with * like every required field

    def __init__(self, message=None):
        self.message = message or _l("Pilih salah satu.")

    def __call__(self, form, field: Field):
        if field.data in (None, ""):
            raise StopValidation(self.message)


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs or a {value: label} mapping as options of a SelectField."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


class HumanCheck:
    """Mixin for public forms that cost the office something (a seat): a field people never
    see (a bot that fills in everything fills it too) and a signed time the form was shown,
    since no person reads and fills a form in under FORM_MIN_FILL_SECONDS (config). A person who
    is refused keeps everything typed and only sends again."""

    # Hidden from people and screen readers; named to look like a field a bot should fill.
    nickname = StringField(_l("Kosongkan isian ini"), render_kw={"autocomplete": "off", "tabindex": "-1"})
    shown_at = HiddenField()

    @staticmethod
    def _signer() -> TimestampSigner:
        return TimestampSigner(current_app.config["SECRET_KEY"], salt="form-shown-at")

    @classmethod
    def signed_now(cls) -> str:
        return cls._signer().sign("form").decode()

    def stamp(self) -> None:
        """Record, signed, that the form is being shown now (call when rendering it). A form
        sent back with a problem keeps the time it was first shown: the person is only
        correcting it, and must not wait again. A cached page gets each visitor's own time."""
        if pagecache.rendering():
            self.shown_at.data = pagecache.SHOWN_MARK
            return
        try:
            self._signer().unsign(self.shown_at.data or "", max_age=86_400)
        except BadSignature:
            self.shown_at.data = self.signed_now()

    def validate_shown_at(self, field: Field) -> None:
        if self.nickname.data:
            raise ValidationError(_l("Formulir tidak dapat diproses. Muat ulang halaman lalu coba lagi."))
        try:
            _value, signed_at = self._signer().unsign(field.data or "", max_age=86_400, return_timestamp=True)
        except BadSignature:
            raise ValidationError(_l("Halaman formulir sudah kedaluwarsa. Periksa isian lalu kirim lagi."))
        elapsed = (datetime.now(signed_at.tzinfo) - signed_at).total_seconds()
        if elapsed < current_app.config["FORM_MIN_FILL_SECONDS"]:
            raise ValidationError(_l("Formulir terkirim terlalu cepat. Periksa isian lalu kirim lagi."))


def show_problems(form, problems, fields: Mapping[str, str], default: str) -> None:
    """Put each (code, message) next to the field it is about, unless the form already says
    what is wrong with that field. `fields` maps an error code, or a prefix written 'code*',
    to a field name; a code that is itself a field name (as in {field: message} problems)
    goes to that field; anything else to `default`."""
    for code, message in problems:
        name = fields.get(code) or next(
            (field for key, field in fields.items() if key.endswith("*") and code.startswith(key[:-1])),
            code if code in form else default,
        )
        field = form[name if name in form else default]
        if not field.errors:
            field.errors = [message]


def show_error(form, error: DomainError, fields: Mapping[str, str], default: str) -> None:
    """A service's refusal next to the field it is about; an error that carries several
    problems (`problems`: [(code, message)] or {field: message}) shows each of them."""
    problems = getattr(error, "problems", None)
    if isinstance(problems, dict):
        problems = list(problems.items())
    show_problems(form, problems or [(error.code, error.message)], fields, default)
