"""What comes back from outside: WhatsApp's status webhook, and a person stopping announcements."""

import logging

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from eventapp import secretbox
from eventapp.dbtypes import utcnow
from eventapp.edges import public_url
from eventapp.extensions import csrf, db
from eventapp.outbox import services, whatsapp
from eventapp.outbox.models import WhatsAppAccount
from eventapp.phones import mask_contact

log = logging.getLogger(__name__)
bp = Blueprint("outbox", __name__)


@bp.route("/webhook/whatsapp/<int:account_id>", methods=["GET"])
def whatsapp_webhook_check(account_id: int):
    """Meta checks the webhook address once: answer its challenge if the verify token matches."""
    account = db.session.get(WhatsAppAccount, account_id) or abort(404)
    if (
        request.args.get("hub.mode") != "subscribe"
        or request.args.get("hub.verify_token") != account.verify_token
    ):
        abort(403)
    return Response(request.args.get("hub.challenge", ""), mimetype="text/plain")


@bp.route("/webhook/whatsapp/<int:account_id>", methods=["POST"])
@csrf.exempt
def whatsapp_webhook(account_id: int):
    """Status reports (sent, delivered, read, failed) and incoming texts, signed by Meta."""
    account = db.session.get(WhatsAppAccount, account_id) or abort(404)
    body = request.get_data(cache=False)
    try:
        app_secret = secretbox.unseal(account.app_secret_sealed)
    except secretbox.SealBroken:
        log.error("webhook for WhatsApp account %s: app secret cannot be unsealed", account_id)
        abort(503)
    if not whatsapp.signature_valid(app_secret, body, request.headers.get("X-Hub-Signature-256")):
        abort(403)
    try:
        reports, inbound = whatsapp.parse_webhook(body)
    except (ValueError, TypeError, AttributeError):
        abort(400)
    services.record_statuses(reports)
    services.record_inbound(inbound, utcnow())
    return Response("OK", mimetype="text/plain")


def opt_out_url(contact: str) -> str:
    """The link in each announcement that stops further ones to `contact`; the contact is sealed
    in it, so a forwarded link shows nobody the number."""
    return public_url("outbox.opt_out", token=secretbox.seal(contact))


@bp.route("/berhenti/<token>", methods=["GET", "POST"])
def opt_out(token: str):
    """Stop announcements to the contact the link was sent to (a confirmation step first, so
    that a link preview never stops them)."""
    try:
        contact = secretbox.unseal(token)
    except secretbox.SealBroken:
        abort(404)
    shown = mask_contact(contact)
    if request.method == "POST":
        if "resume" in request.form:
            services.opt_in(contact)
            flash(_("Pengumuman akan dikirim lagi ke %(contact)s.", contact=shown), "success")
        else:
            services.opt_out(contact, utcnow())
            flash(_("Pengumuman tidak akan dikirim lagi ke %(contact)s.", contact=shown), "success")
        return redirect(url_for("outbox.opt_out", token=token))
    stopped = bool(services.opted_out([contact]))
    return render_template("outbox/opt_out.html", shown=shown, stopped=stopped)
