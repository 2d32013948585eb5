from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional

from eventapp.forms import Form, max_length, optional_int, required
from eventapp.questionnaires.models import KIND_LABELS, Purpose


class SettingsForm(Form):
    title = StringField(_l("Judul"), validators=[required(), max_length(200)])
    intro = TextAreaField(_l("Pengantar (opsional)"), validators=[Optional(), max_length(2000)])
    opens_at = DateTimeLocalField(_l("Dibuka"), validators=[Optional()])
    closes_at = DateTimeLocalField(_l("Ditutup"), validators=[Optional()])
    time_limit_minutes = IntegerField(
        _l("Batas waktu (menit, opsional)"),
        validators=[Optional(), NumberRange(min=1, max=600, message=_l("Antara 1 dan 600."))],
    )
    max_attempts = IntegerField(
        _l("Kesempatan mengerjakan"),
        default=1,
        validators=[NumberRange(min=1, max=10, message=_l("Antara 1 dan 10."))],
    )
    shuffle = BooleanField(_l("Acak urutan soal dan pilihan jawaban untuk tiap peserta"))
    show_score = BooleanField(_l("Tampilkan nilai kepada peserta setelah selesai"), default=True)
    required_for_certificate = BooleanField(_l("Sertifikat baru terbit setelah peserta mengisi evaluasi"))
    pass_percent = IntegerField(
        _l("Nilai post-test minimal untuk sertifikat (0–100, opsional)"),
        validators=[Optional(), NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))],
    )

    def fit(self, purpose: Purpose) -> None:
        """Only the settings that mean something for this kind of form."""
        if not purpose.is_test:
            for name in ("time_limit_minutes", "max_attempts", "shuffle", "show_score", "pass_percent"):
                del self[name]
        elif purpose == Purpose.PRETEST:
            del self["pass_percent"]
        if purpose != Purpose.EVALUATION:
            del self["required_for_certificate"]
        if purpose == Purpose.REGISTRATION:
            del self["opens_at"]
            del self["closes_at"]


class QuestionForm(Form):
    kind = SelectField(_l("Jenis pertanyaan"), validators=[required()])
    label = TextAreaField(_l("Pertanyaan"), validators=[required(), max_length(500)], render_kw={"rows": 2})
    help_text = StringField(_l("Keterangan (opsional)"), validators=[Optional(), max_length(500)])
    required = BooleanField(_l("Wajib dijawab"))
    options = TextAreaField(
        _l("Pilihan jawaban, satu per baris"),
        validators=[Optional(), max_length(6000)],
        description=_l("Untuk pilihan tunggal, pilihan ganda, daftar turun dan soal tes."),
        render_kw={"rows": 5},
    )
    correct_option = IntegerField(
        _l("Nomor pilihan yang benar"),
        validators=[Optional(), NumberRange(min=1, max=30, message=_l("Antara 1 dan 30."))],
        description=_l("Untuk soal tes: 1 untuk pilihan pertama, 2 untuk yang kedua, dan seterusnya."),
    )
    points = IntegerField(
        _l("Bobot nilai"),
        default=1,
        validators=[Optional(), NumberRange(min=1, max=100, message=_l("Antara 1 dan 100."))],
    )
    min_number = FloatField(_l("Angka terkecil yang boleh diisi"), validators=[Optional()])
    max_number = FloatField(_l("Angka terbesar yang boleh diisi"), validators=[Optional()])
    low_label = StringField(_l("Arti angka 1 (skala)"), validators=[Optional(), max_length(60)])
    high_label = StringField(_l("Arti angka 5 (skala)"), validators=[Optional(), max_length(60)])
    per_speaker = BooleanField(_l("Tanyakan untuk tiap narasumber (skala pada evaluasi)"))

    def bind(self, purpose: Purpose) -> None:
        kinds = [k for k in KIND_LABELS if (k == "soal") == purpose.is_test]
        self.kind.choices = [(k, str(KIND_LABELS[k])) for k in kinds]
        if purpose.is_test:
            self.kind.data = self.kind.data or "soal"
            self.options.description = _l(
                "Pilihan jawaban soal, satu per baris; lalu tulis nomor yang benar."
            )
            for name in ("required", "min_number", "max_number", "low_label", "high_label", "per_speaker"):
                del self[name]
        else:
            del self["correct_option"]
            del self["points"]
        if purpose != Purpose.EVALUATION and "per_speaker" in self:
            del self["per_speaker"]


class CopyForm(Form):
    source_id = SelectField(_l("Salin pertanyaan dari"), coerce=optional_int, validate_choice=False)


class TemplateForm(Form):
    template_title = StringField(_l("Nama templat"), validators=[required(), max_length(200)])
