"""Forms of the KIM registry."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from eventapp.forms import ChoiceRequired, Form, max_length, optional_int, required, select_choices, web_url
from eventapp.kim.models import GENDER_LABELS, OCCUPATION_LABELS, POSITION_LABELS
from eventapp.regions.forms import RegionPickerMixin


class KimForm(RegionPickerMixin, Form):
    organization_id = SelectField(_l("Organisasi pembina"), coerce=optional_int, validate_choice=False)
    name = StringField(_l("Nama KIM"), validators=[required(), max_length(150)])
    registration_number = StringField(
        _l("Nomor induk KIM"),
        validators=[required(), max_length(50)],
        description=_l("Nomor registrasi dari Diskominfo pembina."),
    )
    address = TextAreaField(_l("Alamat sekretariat"), validators=[Optional(), max_length(500)])
    founded_on = DateField(
        _l("Tanggal berdiri"),
        validators=[Optional()],
        render_kw={"placeholder": "2021-03-15"},
    )
    decree_number = StringField(_l("Nomor SK pembentukan"), validators=[Optional(), max_length(100)])
    phone = StringField(_l("Telepon/WhatsApp KIM"), validators=[Optional(), max_length(30)])
    website_url = StringField(_l("Situs web"), validators=[Optional(), web_url, max_length(300)])
    facebook_url = StringField(_l("Facebook"), validators=[Optional(), web_url, max_length(300)])
    instagram_url = StringField(_l("Instagram"), validators=[Optional(), web_url, max_length(300)])
    youtube_url = StringField(_l("YouTube"), validators=[Optional(), web_url, max_length(300)])


class MemberForm(Form):
    name = StringField(_l("Nama lengkap"), validators=[required(), max_length(150)])
    position = SelectField(_l("Jabatan"), choices=select_choices(POSITION_LABELS), default="anggota")
    gender = SelectField(
        _l("Jenis kelamin"),
        choices=select_choices({"": _l("— pilih —"), **GENDER_LABELS}),
        validators=[ChoiceRequired()],
    )
    # The member rules (a real birth year, a valid e-mail) are kim.services.check_member's,
    # applied with the form's own checks by the view, so both show in one round trip.
    birth_year = IntegerField(_l("Tahun lahir"), validators=[Optional()])
    occupation = SelectField(_l("Pekerjaan"), choices=select_choices(OCCUPATION_LABELS), default="lainnya")
    phone = StringField(
        _l("Nomor HP/WhatsApp"),
        validators=[Optional(), max_length(30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"},
    )
    email = EmailField(_l("E-mail (opsional)"), validators=[Optional(), max_length(254)])


class ImportForm(Form):
    organization_id = SelectField(_l("Organisasi pembina"), coerce=optional_int, validate_choice=False)
    file = FileField(
        _l("Berkas KIM (.xlsx atau .csv)"),
        validators=[
            FileRequired(_l("Pilih berkas yang akan diimpor.")),
            FileAllowed(["xlsx", "csv"], _l("Unggah berkas .xlsx atau .csv.")),
        ],
    )
