"""Forms of the check-in desk, the attendance code and the meeting-report import."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange

from eventapp.forms import Form, max_length, required


class ScanForm(Form):
    code = StringField(
        _l("Kode pendaftaran atau pindai QR"),
        validators=[required(_l("Ketik atau pindai kode peserta.")), max_length(300)],
        render_kw={
            "autofocus": True,
            "autocomplete": "off",
            "autocapitalize": "characters",
            "spellcheck": "false",
            "inputmode": "text",
            "enterkeyhint": "go",
        },
    )


class CodeWindowForm(Form):
    minutes = IntegerField(
        _l("Buka selama (menit)"),
        default=30,
        validators=[NumberRange(min=5, max=240, message=_l("Antara 5 dan 240 menit."))],
    )


class PublicCodeForm(Form):
    code = StringField(
        _l("Kode presensi"),
        validators=[required(), max_length(12)],
        render_kw={"autocapitalize": "characters", "autocomplete": "off"},
    )
    identifier = StringField(
        _l("Kode pendaftaran atau nomor WhatsApp Anda"),
        validators=[required(), max_length(30)],
        description=_l("Kode pendaftaran ada di halaman peserta dan e-mail konfirmasi, misalnya KT7-M4Q9."),
    )


class ReportImportForm(Form):
    file = FileField(
        _l("Laporan peserta Zoom/Google Meet (.csv atau .xlsx)"),
        validators=[
            FileRequired(_l("Pilih berkas laporan.")),
            FileAllowed(["csv", "xlsx"], _l("Unggah .csv atau .xlsx.")),
        ],
    )
    min_share = IntegerField(
        _l("Dihitung hadir bila mengikuti sedikitnya (%)"),
        default=70,
        validators=[NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))],
    )
