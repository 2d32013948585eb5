"""Form pieces shared by every feature."""

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, StopValidation


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
