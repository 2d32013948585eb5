"""Forms for signing in, passwords, user accounts and office profiles."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, EqualTo, NumberRange, Optional

from eventapp.accounts.models import LEVEL_LABELS, ROLE_LABELS, Organization, User
from eventapp.extensions import db
from eventapp.forms import ChoiceRequired, Form, max_length, optional_int, required, select_choices, web_url
from eventapp.outbox.models import PROVIDER_LABELS


def _email_field(label, autocomplete: str = "email"):
    return EmailField(
        label,
        validators=[required(), Email(message=_l("Alamat e-mail tidak valid.")), max_length(254)],
        render_kw={"autocomplete": autocomplete},
    )


class LoginForm(Form):
    email = _email_field(_l("E-mail"), "username")
    password = PasswordField(
        _l("Kata sandi"), validators=[required()], render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Ingat saya di perangkat ini"))


class ForgotPasswordForm(Form):
    email = _email_field(_l("E-mail akun Anda"))


class NewPasswordForm(Form):
    password = PasswordField(
        _l("Kata sandi baru"), validators=[required()], render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[required(), EqualTo("password", message=_l("Kedua kata sandi tidak sama."))],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        _l("Kata sandi saat ini"), validators=[required()], render_kw={"autocomplete": "current-password"}
    )


class UserForm(Form):
    name = StringField(_l("Nama lengkap"), validators=[required(), max_length(150)])
    email = _email_field(_l("E-mail (untuk masuk)"), "off")
    role = SelectField(_l("Peran"), choices=select_choices(ROLE_LABELS))
    organization_id = SelectField(_l("Organisasi"), coerce=optional_int, validate_choice=False)
    active = BooleanField(_l("Akun aktif"), default=True)
    password = PasswordField(
        _l("Kata sandi"),
        render_kw={"autocomplete": "new-password"},
        description=_l("Minimal 10 karakter. Saat mengubah akun, kosongkan bila tidak diganti."),
    )


class OrganizationForm(Form):
    name = StringField(_l("Nama organisasi"), validators=[required(), max_length(200)])
    level = SelectField(_l("Tingkat"), choices=select_choices(LEVEL_LABELS))
    region_id = SelectField(
        _l("Wilayah"), coerce=optional_int, validate_choice=False, validators=[ChoiceRequired()]
    )
    address = TextAreaField(_l("Alamat kantor"), validators=[Optional(), max_length(500)])
    phone = StringField(_l("Telepon"), validators=[Optional(), max_length(30)])
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Email(message=_l("Alamat e-mail tidak valid.")), max_length(254)],
    )
    website = StringField(_l("Situs web"), validators=[Optional(), web_url, max_length(300)])
    logo = FileField(_l("Logo (PNG atau JPEG, maksimal 1 MB)"))
    letterhead = TextAreaField(
        _l("Kop surat"),
        description=_l(
            "Satu baris per baris kop, misalnya: PEMERINTAH KABUPATEN …, DINAS KOMUNIKASI …, alamat."
        ),
        validators=[Optional(), max_length(1000)],
    )
    city = StringField(
        _l("Kota tempat penandatanganan"),
        description=_l("Dicetak di sertifikat sebelum tanggal, misalnya: Sampit, 16 Desember 2026."),
        validators=[Optional(), max_length(100)],
    )
    signatory_name = StringField(_l("Nama penandatangan"), validators=[Optional(), max_length(150)])
    signatory_nip = StringField(_l("NIP penandatangan"), validators=[Optional(), max_length(30)])
    signatory_title = StringField(_l("Jabatan penandatangan"), validators=[Optional(), max_length(200)])


def bind_organization_field(form, actor: User) -> Organization | None:
    """The office a new KIM or event belongs to: admins pick it in `form.organization_id`;
    everyone else always acts for their own office and the field is removed."""
    if not actor.is_admin:
        del form.organization_id
        return actor.organization
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    form.organization_id.choices = select_choices([(org.id, org.name) for org in organizations])
    if form.organization_id.data is None and organizations:
        form.organization_id.data = organizations[0].id
    # An id that is not an office (typed into the request by hand) chooses nothing.
    return next((org for org in organizations if org.id == form.organization_id.data), None)


class RequeueForm(Form):
    """Failed messages to send again: the ticked ones, or all of them."""

    message_ids = SelectMultipleField(_l("Pesan"), coerce=optional_int, validate_choice=False)
    send_all = SubmitField(_l("Kirim ulang semua"))


class WhatsAppForm(Form):
    provider = RadioField(_l("Penyedia"), choices=select_choices(PROVIDER_LABELS), validate_choice=False)
    display_number = StringField(
        _l("Nomor WhatsApp kantor"),
        validators=[Optional(), max_length(30)],
        render_kw={"inputmode": "tel", "placeholder": "0811 5200 1234"},
    )
    max_per_second = IntegerField(
        _l("Pesan per detik"),
        default=10,
        validators=[required(), NumberRange(1, 80, _l("Antara 1 dan 80 pesan per detik."))],
        description=_l("Cloud API mengizinkan 80 per detik; gateway biasanya jauh lebih sedikit."),
    )
    phone_number_id = StringField(
        _l("Phone number ID"),
        validators=[Optional(), max_length(40)],
        description=_l("Dari WhatsApp Manager › API Setup."),
    )
    access_token = PasswordField(
        _l("Token akses"),
        validators=[Optional(), max_length(1000)],
        description=_l("Token pengguna sistem yang permanen. Kosongkan bila tidak diganti."),
        render_kw={"autocomplete": "off"},
    )
    app_secret = PasswordField(
        _l("App secret"),
        validators=[Optional(), max_length(200)],
        description=_l("Untuk memeriksa tanda tangan webhook. Kosongkan bila tidak diganti."),
        render_kw={"autocomplete": "off"},
    )
    gateway_url = StringField(
        _l("Alamat gateway"),
        validators=[Optional(), max_length(300)],
        render_kw={"inputmode": "url", "placeholder": "https://gateway.example.go.id/send"},
    )
    gateway_token_header = StringField(
        _l("Nama header token"), default="Authorization", validators=[max_length(60)]
    )
    gateway_token = PasswordField(
        _l("Token gateway"),
        validators=[Optional(), max_length(1000)],
        description=_l("Kosongkan bila tidak diganti."),
        render_kw={"autocomplete": "off"},
    )
    gateway_phone_field = StringField(_l("Nama isian nomor"), default="phone", validators=[max_length(40)])
    gateway_text_field = StringField(_l("Nama isian teks"), default="message", validators=[max_length(40)])


class TestWhatsAppForm(Form):
    phone = StringField(
        _l("Kirim pesan uji ke nomor"),
        validators=[required(), max_length(30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"},
    )
