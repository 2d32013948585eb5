"""The public registration forms and the organizers' registrant forms."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Email, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventapp.events.models import MODE_LABELS, EventMode
from eventapp.forms import ChoiceRequired, Form, max_length, optional_int, required, select_choices
from eventapp.kim.models import GENDER_LABELS, OCCUPATION_LABELS
from eventapp.registration.models import STATUS_LABELS

NOT_KIM = -1  # the "bukan anggota KIM" option of the KIM select


class RegistrantForm(Form):
    name = StringField(
        _l("Nama lengkap"), validators=[required(), max_length(150)], render_kw={"autocomplete": "name"}
    )
    phone = StringField(
        _l("Nomor WhatsApp"),
        validators=[Optional(), max_length(30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"},
    )
    email = EmailField(
        _l("E-mail (opsional)"),
        validators=[Optional(), Email(message=_l("Alamat e-mail tidak valid.")), max_length(254)],
        render_kw={"autocomplete": "email"},
    )
    gender = RadioField(
        _l("Jenis kelamin"), choices=select_choices(GENDER_LABELS), validators=[ChoiceRequired()]
    )
    occupation = SelectField(_l("Pekerjaan"), choices=select_choices(OCCUPATION_LABELS), default="lainnya")
    kabupaten = SelectField(_l("Kabupaten/kota asal"), coerce=optional_int, validate_choice=False)
    kim_id = SelectField(_l("KIM"), coerce=optional_int, validate_choice=False)
    refresh_kim = SubmitField(_l("Tampilkan daftar KIM"))
    institution = StringField(
        _l("Instansi/lembaga (bila bukan anggota KIM)"), validators=[Optional(), max_length(200)]
    )
    position = StringField(
        _l("Jabatan"),
        validators=[Optional(), max_length(150)],
        description=_l("Misalnya: ketua KIM, anggota, kepala desa, staf."),
    )
    attendance_mode = RadioField(
        _l("Cara mengikuti"),
        choices=select_choices(
            {
                EventMode.LURING: _l("Luring (datang ke tempat)"),
                EventMode.DARING: _l("Daring (lewat Zoom/Meet)"),
            }
        ),
        validate_choice=False,
    )


class RegistrationForm(RegistrantForm):
    consent = BooleanField(_l("Saya setuju data saya dipakai panitia untuk acara ini."))


class GroupChairForm(Form):
    registration_number = StringField(_l("Nomor induk KIM"), validators=[required(), max_length(50)])
    phone = StringField(
        _l("Nomor HP ketua KIM"),
        validators=[required(), max_length(30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )


class GroupMembersForm(Form):
    registration_number = StringField(validators=[required()])
    phone = StringField(validators=[required()])
    members = SelectMultipleField(
        _l("Anggota yang didaftarkan"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    attendance_mode = RadioField(
        _l("Cara mengikuti"), choices=select_choices(MODE_LABELS), validate_choice=False
    )
    consent = BooleanField(
        _l("Anggota yang saya daftarkan sudah setuju datanya dipakai panitia untuk acara ini.")
    )


class StatusForm(Form):
    status = SelectField(_l("Status"), choices=select_choices(STATUS_LABELS))


class InvitePersonForm(Form):
    name = StringField(_l("Nama"), validators=[required(), max_length(150)])
    phone = StringField(_l("Nomor WhatsApp"), validators=[Optional(), max_length(30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(message=_l("Alamat e-mail tidak valid."))])


class InviteKimForm(Form):
    kim_ids = SelectMultipleField(
        _l("Undang semua anggota KIM"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
