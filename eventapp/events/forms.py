"""Organizer forms for events, sessions and the programme."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Email, NumberRange, Optional, ValidationError

from eventapp.events.models import (
    AUDIENCE_LABELS,
    KIND_LABELS,
    MODE_LABELS,
    ROLE_LABELS,
    TIMEZONES,
    AttendanceRule,
)
from eventapp.events.services import PersonData
from eventapp.forms import ChoiceRequired, Form, max_length, optional_int, required, select_choices, web_url
from eventapp.i18n import zone_label

# More than any hall or meeting licence holds; a bigger number is a typo.
MAX_CAPACITY = 100_000
TIMEZONE_CHOICES = {tz: f"{zone_label(tz)} ({tz})" for tz in TIMEZONES}


def _capacity(label):
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Tidak boleh negatif.")),
            NumberRange(max=MAX_CAPACITY, message=_l("Paling banyak %(max)d.", max=MAX_CAPACITY)),
        ],
        description=_l("Kosongkan bila tidak dibatasi."),
    )


class SessionFields:
    day = DateField(_l("Tanggal"), validators=[required()])
    start = TimeField(_l("Jam mulai"), validators=[required()])
    end = TimeField(_l("Jam selesai"), validators=[required()])

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("Jam selesai harus setelah jam mulai."))


class EventForm(Form):
    title = StringField(_l("Judul acara"), validators=[required(), max_length(200)])
    kind = SelectField(_l("Jenis acara"), choices=select_choices(KIND_LABELS))
    mode = SelectField(_l("Moda"), choices=select_choices(MODE_LABELS))
    audience = SelectField(_l("Sasaran peserta"), choices=select_choices(AUDIENCE_LABELS))
    region_id = SelectField(
        _l("Kabupaten/kota"), coerce=optional_int, validate_choice=False, validators=[ChoiceRequired()]
    )
    timezone = SelectField(_l("Zona waktu"), choices=select_choices(TIMEZONE_CHOICES))
    description = TextAreaField(
        _l("Deskripsi"),
        validators=[Optional(), max_length(10000)],
        description=_l("Boleh memakai Markdown: **tebal**, *miring*, daftar dengan tanda -, tautan."),
        render_kw={"rows": 6},
    )
    venue_name = StringField(
        _l("Nama tempat"),
        validators=[Optional(), max_length(200)],
        description=_l("Wajib untuk acara luring dan hibrida."),
    )
    venue_address = TextAreaField(_l("Alamat tempat"), validators=[Optional(), max_length(500)])
    map_url = StringField(_l("Tautan peta"), validators=[Optional(), web_url, max_length(500)])
    online_url = StringField(
        _l("Tautan rapat daring (Zoom/Meet)"),
        validators=[Optional(), web_url, max_length(500)],
        description=_l("Hanya ditampilkan kepada peserta yang terkonfirmasi."),
    )
    online_passcode = StringField(_l("Kode sandi rapat"), validators=[Optional(), max_length(100)])
    venue_capacity = _capacity(_l("Kapasitas tempat (luring)"))
    online_capacity = _capacity(_l("Kapasitas daring"))
    registration_opens_at = DateTimeLocalField(_l("Pendaftaran dibuka"), validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Pendaftaran ditutup"), validators=[Optional()])
    contact_name = StringField(_l("Narahubung"), validators=[Optional(), max_length(150)])
    contact_phone = StringField(_l("Nomor narahubung (WhatsApp)"), validators=[Optional(), max_length(30)])
    poster = FileField(_l("Poster (PNG atau JPEG, maksimal 3 MB)"))
    attendance_rule = SelectField(
        _l("Syarat kehadiran untuk sertifikat"),
        choices=select_choices(
            {
                AttendanceRule.SESSIONS: _l("Jumlah sesi yang dihadiri"),
                AttendanceRule.PERCENT: _l("Persen waktu acara"),
            }
        ),
    )
    attendance_min_sessions = IntegerField(
        _l("Sedikitnya … sesi"),
        default=1,
        validators=[NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))],
    )
    attendance_min_percent = IntegerField(
        _l("Sedikitnya … persen waktu"),
        default=75,
        validators=[NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))],
    )
    reminders_enabled = BooleanField(
        _l("Kirim pengingat (WhatsApp/e-mail) sehari dan satu jam sebelum setiap sesi"), default=True
    )
    verify_contact = BooleanField(
        _l(
            "Verifikasi nomor: pendaftaran dihitung setelah pendaftar memasukkan kode "
            "yang dikirim ke WhatsApp/e-mailnya"
        ),
        description=_l(
            "Menahan pendaftaran palsu dan salah ketik nomor; pendaftar perlu menerima pesan saat mendaftar."
        ),
    )


class NewEventForm(SessionFields, EventForm):
    """Creating an event also sets its office (admins) and its first session."""

    organization_id = SelectField(_l("Penyelenggara"), coerce=optional_int, validate_choice=False)


class SessionForm(SessionFields, Form):
    title = StringField(_l("Judul sesi (opsional)"), validators=[Optional(), max_length(200)])


class PersonForm(Form):
    role = SelectField(_l("Peran"), choices=select_choices(ROLE_LABELS))
    name = StringField(_l("Nama"), validators=[required(), max_length(150)])
    title = StringField(_l("Jabatan"), validators=[Optional(), max_length(200)])
    institution = StringField(_l("Instansi"), validators=[Optional(), max_length(200)])
    topic = StringField(_l("Materi"), validators=[Optional(), max_length(300)])
    email = EmailField(
        _l("E-mail"),
        validators=[Optional(), Email(message=_l("Alamat e-mail tidak valid.")), max_length(254)],
        description=_l("Untuk mengirim sertifikat narasumber, moderator atau panitia."),
    )

    def person(self) -> PersonData:
        """What was typed, for the programme services."""
        return PersonData(
            role=self.role.data,
            name=self.name.data,
            title=self.title.data or "",
            institution=self.institution.data or "",
            topic=self.topic.data or "",
            email=self.email.data or "",
        )


class CancelEventForm(Form):
    reason = TextAreaField(_l("Alasan pembatalan"), validators=[required(), max_length(1000)])


class DuplicateEventForm(Form):
    first_day = DateField(_l("Tanggal hari pertama acara baru"), validators=[required()])
