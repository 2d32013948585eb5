"""'Kirim pesan ke peserta': the form with count and preview, the history, one broadcast's deliveries."""

import secrets

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventapp.accounts.access import require_roles
from eventapp.accounts.models import Role
from eventapp.broadcasts import services
from eventapp.broadcasts.forms import BroadcastForm
from eventapp.broadcasts.models import Broadcast
from eventapp.dbtypes import utcnow
from eventapp.edges import belonging_or_404
from eventapp.errors import DomainError
from eventapp.events.access import managed_event_or_404
from eventapp.forms import show_error
from eventapp.registration import lists

bp = Blueprint("broadcasts", __name__, url_prefix="/kelola/acara/<int:event_id>/pesan")
bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))


@bp.route("/", methods=["GET", "POST"])
def index(event_id: int):
    """Write to the registrants picked; 'Hitung' shows how many and how it reads, 'Kirim' sends."""
    event = managed_event_or_404(event_id)
    form = BroadcastForm()
    form.bind(event, *lists.filter_options(event))
    picked = preview = None
    if form.validate_on_submit():
        audience, text = form.audience(), form.text.data or ""
        previewed = services.fingerprint(audience, text)
        try:
            if form.send.data and (form.send_key.data or "").startswith(previewed + "."):
                broadcast = services.send(current_user, event, audience, text, form.send_key.data, utcnow())
                flash(
                    _("Pesan ditulis untuk %(n)d peserta dan sedang dikirim.", n=broadcast.recipients),
                    "success",
                )
                return redirect(url_for("broadcasts.detail", event_id=event.id, broadcast_id=broadcast.id))
            if form.send.data:
                flash(
                    _("Penerima atau isi pesan berubah sejak pratinjau. Periksa pratinjau ini, lalu kirim."),
                    "warning",
                )
            picked = services.reach(event, audience)
            preview = services.preview(event, picked.reached, text)
            form.send_key.data = f"{previewed}.{secrets.token_urlsafe(12)}"
        except DomainError as error:
            show_error(form, error, {}, "text")
    return render_template(
        "broadcasts/index.html",
        event=event,
        form=form,
        picked=picked,
        preview=preview,
        history=services.history(event),
    )


@bp.route("/<int:broadcast_id>")
def detail(event_id: int, broadcast_id: int):
    """One broadcast: its text, the counts, and each recipient's message with its status."""
    event = managed_event_or_404(event_id)
    broadcast = belonging_or_404(Broadcast, broadcast_id, event_id=event.id)
    (summary,) = services.summaries([broadcast])
    return render_template(
        "broadcasts/detail.html", event=event, summary=summary, deliveries=services.deliveries(broadcast)
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
