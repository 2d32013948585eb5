"""The public registration forms and the organizers' registrant forms."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventapp.errors import DomainError
from eventapp.events.models import Event, EventMode
from eventapp.forms import (
    ChoiceRequired,
    Form,
    HumanCheck,
    max_length,
    optional_int,
    required,
    select_choices,
    show_error,
    show_problems,
)
from eventapp.kim.models import GENDER_LABELS, OCCUPATION_LABELS
from eventapp.kim.services import active_kims_in
from eventapp.phones import display_phone
from eventapp.regions.services import kabupaten_in
from eventapp.registration.models import NOTIFY_LABELS, STATUS_LABELS, NotifyBy
from eventapp.registration.services import RegistrantData, province_of, registrant_problems

NOT_KIM = -1  # the "bukan anggota KIM" option of the KIM select

FIELD_OF_ERROR = {
    "name_required": "name",
    "phone_invalid": "phone",
    "email_invalid": "email",
    "contact_required": "phone",
    "gender_required": "gender",
    "occupation_unknown": "occupation",
    "kim_unknown": "kim_id",
    "kim_required": "kim_id",
    "institution_required": "institution",
    "mode_required": "attendance_mode",
    "consent_required": "consent",
}


def show_registrant_error(form, error: DomainError) -> None:
    """Put a registration rule's message next to the field it is about (else the name)."""
    show_error(form, error, FIELD_OF_ERROR, "name")


def validate_registrant(form: "RegistrantForm", event: Event, require_consent: bool) -> bool:
    """The form's own checks; when they fail, the registration rules' problems are shown with
    them, so that every error comes in one round trip (on a slow link each trip costs half a
    minute). When they pass, the service checks the rules itself and reports them all at
    once (InvalidRegistrant), so a valid form is checked only once."""
    if form.validate_on_submit():
        return True
    show_problems(
        form, registrant_problems(event, form.registrant(), require_consent), FIELD_OF_ERROR, "name"
    )
    return False


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
    notify_by = RadioField(
        _l("Kirim pemberitahuan lewat"),
        choices=select_choices(NOTIFY_LABELS),
        default=NotifyBy.WHATSAPP,
        validate_choice=False,
        description=_l("Bila kontak untuk saluran itu tidak diisi, pesan dikirim ke kontak yang ada."),
    )
    # Unanswered is "pilih", not "Pilihan tidak tersedia"; unknown values are the service's to refuse.
    gender = RadioField(
        _l("Jenis kelamin"),
        choices=select_choices(GENDER_LABELS),
        validate_choice=False,
        validators=[ChoiceRequired(_l("Pilih jenis kelamin."))],
    )
    occupation = SelectField(
        _l("Pekerjaan"),
        choices=select_choices({"": _l("— pilih —"), **OCCUPATION_LABELS}),
        validate_choice=False,
        validators=[ChoiceRequired(_l("Pilih pekerjaan."))],
    )
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

    def bind_choices(self, event: Event) -> None:
        """For showing the form: kabupaten/kota of the organizer's province (the event's own
        chosen first), the active KIM of the chosen one, and the mode only for hybrid events."""
        kabupaten = kabupaten_in(province_of(event))
        self.kabupaten.choices = select_choices([("", _("— pilih —"))] + [(r.id, r.name) for r in kabupaten])
        if self.kabupaten.data is None and event.region_id in {r.id for r in kabupaten}:
            self.kabupaten.data = event.region_id
        kims = active_kims_in(self.kabupaten.data) if self.kabupaten.data else []
        self.kim_id.choices = select_choices(
            [("", _("— pilih KIM —"))] + [(k.id, k.name) for k in kims] + [(NOT_KIM, _("Bukan anggota KIM"))]
        )
        if event.mode != EventMode.HIBRIDA:
            del self.attendance_mode

    def fill_from(self, registration) -> None:
        """Show a registration's details, for an organizer to correct them."""
        self.name.data = registration.requested_name or registration.name
        self.phone.data = display_phone(registration.phone)
        self.email.data = registration.email or ""
        self.notify_by.data = registration.notify_by
        self.gender.data, self.occupation.data = registration.gender, registration.occupation
        self.kabupaten.data = registration.region_id
        self.kim_id.data = registration.kim_id if registration.kim_id else NOT_KIM
        self.institution.data, self.position.data = registration.institution, registration.position
        if "attendance_mode" in self:
            self.attendance_mode.data = registration.attendance_mode

    def registrant(self) -> RegistrantData:
        """What was typed, for the registration services."""
        return RegistrantData(
            name=self.name.data or "",
            phone=self.phone.data or "",
            email=self.email.data or "",
            gender=self.gender.data or "",
            occupation=self.occupation.data,
            kim_id=self.kim_id.data if self.kim_id.data not in (None, NOT_KIM) else None,
            institution=self.institution.data or "",
            position=self.position.data or "",
            region_id=self.kabupaten.data,
            attendance_mode=self.attendance_mode.data if "attendance_mode" in self else "",
            consent=bool(getattr(self, "consent", None) and self.consent.data),
            notify_by=self.notify_by.data or "",
        )


class RegistrationForm(HumanCheck, RegistrantForm):
    consent = BooleanField(_l("Saya setuju data saya dipakai panitia untuk acara ini."))


class GroupChairForm(Form):
    registration_number = StringField(_l("Nomor induk KIM"), validators=[required(), max_length(50)])
    phone = StringField(
        _l("Nomor HP ketua KIM"),
        validators=[required(), max_length(30)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    chair_code = StringField(
        _l("Kode ketua"),
        validators=[Optional(), max_length(20)],
        description=_l(
            "Delapan huruf/angka dari Diskominfo pembina KIM Anda. Tidak punya? Minta kode verifikasi "
            "lewat WhatsApp ketua."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )


class GroupMembersForm(Form):
    registration_number = StringField(validators=[required()])
    phone = StringField(validators=[required()])
    # Empty when the chair proved the phone with a one-time code instead.
    chair_code = StringField(validators=[Optional()])
    members = SelectMultipleField(
        _l("Anggota yang didaftarkan"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    consent = BooleanField(
        _l("Anggota yang saya daftarkan sudah setuju datanya dipakai panitia untuk acara ini.")
    )


class SpamForm(Form):
    """Registrants ticked in the list, to be cancelled as spam."""

    registration_ids = SelectMultipleField(coerce=optional_int, validate_choice=False)


class StatusForm(Form):
    status = SelectField(_l("Status"), choices=select_choices(STATUS_LABELS))


class InvitePersonForm(Form):
    name = StringField(_l("Nama"), validators=[required(), max_length(150)])
    phone = StringField(_l("Nomor WhatsApp"), validators=[Optional(), max_length(30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(message=_l("Alamat e-mail tidak valid."))])


class NameRequestForm(Form):
    """A participant asks for another name on the certificate."""

    requested_name = StringField(_l("Nama yang benar"), validators=[required(), max_length(150)])


class ExcuseForm(Form):
    """An invitee who cannot come says so (izin), with the reason."""

    excuse = TextAreaField(_l("Alasan tidak dapat hadir"), validators=[required(), max_length(500)])


class InviteKimForm(Form):
    chairs_only = BooleanField(_l("Hanya ketua KIM"))
    kim_ids = SelectMultipleField(
        _l("Undang anggota KIM"),
        coerce=int,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
