from flask_babel import lazy_gettext as _l
from wtforms import StringField

from eventapp.forms import Form, max_length, required


class ContactForm(Form):
    contact_to_verify = StringField(
        _l("Nomor WhatsApp atau e-mail"),
        validators=[required(), max_length(254)],
        description=_l("Yang Anda pakai saat mendaftar."),
        render_kw={"autocomplete": "tel"},
    )


class CodeForm(Form):
    verification_code = StringField(
        _l("Kode verifikasi"),
        validators=[required(), max_length(12)],
        description=_l("Enam angka yang baru saja kami kirim."),
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"},
    )
