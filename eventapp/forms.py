"""Form pieces shared by every feature."""

from flask_babel import Domain
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation

# WTForms ships no Indonesian messages; ours live in translations/id/LC_MESSAGES/wtforms.po.
_wtforms_messages = Domain(domain="wtforms")


class _WTFormsTranslations:
    def gettext(self, string):
        return _wtforms_messages.gettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_messages.ngettext(singular, plural, n)


class Form(FlaskForm):
    """Every form of the app: CSRF from Flask-WTF, and built-in validator messages in the
    person's language."""

    class Meta:
        def get_translations(self, form):
            return _WTFormsTranslations()


def optional_int(value) -> int | None:
    """Coerce a select's value to int, treating the empty 'pilih' option as None."""
    if value in (None, "", "None"):
        return None
    return int(value)


def required(message=None):
    return DataRequired(message=message or _l("Wajib diisi."))


def max_length(limit: int):
    return Length(max=limit, message=_l("Maksimal %(max)d karakter.", max=limit))


class ChoiceRequired:
    """For selects whose empty option means 'nothing chosen yet'."""

    def __init__(self, message=None):
        self.message = message or _l("Pilih salah satu.")

    def __call__(self, form, field: Field):
        if field.data in (None, ""):
            raise StopValidation(self.message)


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs or a {value: label} mapping as options of a SelectField."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]
