"""The broadcast form: who gets it, and what it says."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from eventapp.broadcasts.services import MAX_TEXT, Audience
from eventapp.events.models import Event
from eventapp.forms import Form, optional_int, select_choices
from eventapp.i18n import format_datetime
from eventapp.kim.models import Kim
from eventapp.labels import vocabulary
from eventapp.regions.models import Region
from eventapp.registration.models import RegistrationStatus


class BroadcastForm(Form):
    statuses = SelectMultipleField(
        _l("Status pendaftaran"),
        default=[RegistrationStatus.CONFIRMED],
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    mode = SelectField(_l("Moda"), validate_choice=False)
    kim_id = SelectField(_l("KIM"), coerce=optional_int, validate_choice=False)
    region_id = SelectField(_l("Kabupaten/kota"), coerce=optional_int, validate_choice=False)
    attendance = SelectField(
        _l("Kehadiran"),
        choices=select_choices(
            {"": _l("Semua"), "hadir": _l("Sudah hadir di sesi"), "belum": _l("Belum hadir di sesi")}
        ),
        validate_choice=False,
    )
    session_id = SelectField(_l("Sesi"), coerce=optional_int, validate_choice=False)
    text = TextAreaField(
        _l("Pesan"),
        description=_l(
            "Paling panjang %(n)d huruf. Di WhatsApp pesan tampil dalam satu paragraf (aturan templat Meta).",
            n=MAX_TEXT,
        ),
        render_kw={"rows": 5, "maxlength": MAX_TEXT},
    )
    # Set by the preview; 'Kirim' sends only what was previewed, once.
    send_key = HiddenField()
    preview = SubmitField(_l("Hitung penerima dan pratinjau"))
    send = SubmitField(_l("Kirim"))

    def bind(self, event: Event, kims: list[Kim], regions: list[Region]) -> None:
        """The choices this event offers."""
        statuses = vocabulary("registration_status")
        self.statuses.choices = [
            (s, statuses[s]) for s in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
        ]
        modes = vocabulary("event_mode")
        self.mode.choices = select_choices([("", _("Semua"))] + [(m, modes[m]) for m in event.modes])
        self.kim_id.choices = select_choices([("", _("Semua"))] + [(k.id, k.name) for k in kims])
        self.region_id.choices = select_choices([("", _("Semua"))] + [(r.id, r.name) for r in regions])
        self.session_id.choices = select_choices(
            [
                (s.id, _("Sesi %(n)d · %(when)s", n=n, when=format_datetime(s.starts_at, event.timezone)))
                for n, s in enumerate(event.sessions, 1)
            ]
        )

    def audience(self) -> Audience:
        return Audience(
            statuses=list(self.statuses.data or []),
            mode=self.mode.data or "",
            kim_id=self.kim_id.data,
            region_id=self.region_id.data,
            attendance=self.attendance.data or "",
            session_id=self.session_id.data,
        )
