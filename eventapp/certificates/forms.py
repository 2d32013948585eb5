"""Forms for certificate settings, revocation and finding one's certificate."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from eventapp.certificates.models import DESIGNS, ROLE_LABELS, HolderRole
from eventapp.forms import Form, max_length, required, select_choices

SIGNATORY_SLOTS = 3


class SettingsForm(Form):
    enabled = BooleanField(_l("Sertifikat aktif untuk acara ini"))
    design = SelectField(_l("Desain"), choices=select_choices(DESIGNS))
    number_pattern = StringField(
        _l("Pola nomor"),
        validators=[required(), max_length(200)],
        description=_l("Token: {seq:03d} nomor urut, {kode} kode acara, {bulan_romawi}, {bulan}, {tahun}."),
    )
    event_code = StringField(_l("Kode acara untuk {kode}"), validators=[Optional(), max_length(30)])
    background = FileField(
        _l("Gambar latar (PNG/JPEG, A4 mendatar, maks. 3 MB)"),
        description=_l("Menggantikan bingkai desain. Kosongkan untuk memakai bingkai."),
    )
    remove_background = BooleanField(_l("Hapus gambar latar"))


for _role in HolderRole:
    setattr(
        SettingsForm,
        f"title_{_role}",
        StringField(
            _l("Judul sertifikat %(role)s", role=ROLE_LABELS[_role]), validators=[required(), max_length(100)]
        ),
    )
    setattr(
        SettingsForm,
        f"wording_{_role}",
        TextAreaField(
            _l("Kalimat untuk %(role)s", role=ROLE_LABELS[_role]),
            validators=[required(), max_length(300)],
            render_kw={"rows": 2},
        ),
    )
for _slot in range(1, SIGNATORY_SLOTS + 1):
    setattr(
        SettingsForm,
        f"sig{_slot}_name",
        StringField(_l("Nama penandatangan %(n)d", n=_slot), validators=[Optional(), max_length(150)]),
    )
    setattr(
        SettingsForm,
        f"sig{_slot}_title",
        StringField(_l("Jabatan"), validators=[Optional(), max_length(200)]),
    )
    setattr(SettingsForm, f"sig{_slot}_nip", StringField(_l("NIP"), validators=[Optional(), max_length(30)]))
    setattr(SettingsForm, f"sig{_slot}_file", FileField(_l("Gambar tanda tangan (PNG/JPEG, maks. 512 KB)")))


class RevokeForm(Form):
    reason = TextAreaField(_l("Alasan pencabutan"), validators=[required(), max_length(500)])


class FindForm(Form):
    contact = StringField(
        _l("Nomor WhatsApp atau e-mail saat mendaftar"), validators=[required(), max_length(254)]
    )
    registration_code = StringField(
        _l("Kode pendaftaran"),
        validators=[required(), max_length(12)],
        render_kw={"autocapitalize": "characters"},
    )
