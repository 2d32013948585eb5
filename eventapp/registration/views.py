"""Public registration pages: the form, group registration, invitations and /p/<token>."""

from functools import lru_cache

import segno
from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from markupsafe import Markup

from eventapp import pagecache
from eventapp.dbtypes import utcnow
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events import services as events
from eventapp.events.models import Event, EventStatus
from eventapp.extensions import limiter
from eventapp.forms import select_choices
from eventapp.kim.models import Kim
from eventapp.phones import whatsapp_url
from eventapp.questionnaires import services as questionnaires
from eventapp.registration import invitations, lists, messages, services
from eventapp.registration.forms import (
    ExcuseForm,
    GroupChairForm,
    GroupMembersForm,
    NameRequestForm,
    RegistrationForm,
    show_registrant_error,
    validate_registrant,
)
from eventapp.registration.models import Invitation, Registration, RegistrationStatus
from eventapp.registration.organizer_views import bp as registrants_bp
from eventapp.verification import proofs
from eventapp.verification import services as verification_services
from eventapp.verification import views as verification

bp = Blueprint("registration", __name__)


def _published_or_404(slug: str) -> Event:
    event = events.find_published(slug)
    if event is None:
        abort(404)
    return event


def _register_page(event: Event, invitation: Invitation | None, excuse_form: ExcuseForm | None = None):
    now = utcnow()
    reason = events.closed_reason(event, now, invited=invitation is not None)
    if reason:
        return render_template("registration/closed.html", event=event, reason=reason), 403
    form = RegistrationForm()
    if request.method == "GET" and invitation is not None:
        form.name.data, form.email.data = invitation.name, invitation.email
        form.phone.data = invitation.phone and invitation.phone.replace("+62", "0", 1)
    posted = request.method == "POST" and "excuse" not in request.form and "edit" not in request.form
    extra = questionnaires.registration_slots(event)
    extra_problems: dict[str, str] = {}
    answers: dict = {}
    if posted and extra and not form.refresh_kim.data:
        try:
            answers = questionnaires.check_answers(extra, request.form.to_dict(flat=False))
        except ValidationFailed as invalid:
            extra_problems = dict(invalid.problems or {})
    # Both checks run before either result counts, so every problem comes back at once.
    registrant_ok = posted and not form.refresh_kim.data and validate_registrant(form, event, True)
    if registrant_ok and not extra_problems:
        code_page = _registration_code_page(event, form, now) if event.verify_contact else None
        if code_page is not None:
            return code_page
        data = form.registrant()
        data.answers = answers
        try:
            result = services.register(event, data, now, invitation=invitation)
        except services.RegistrationClosed as error:
            return render_template("registration/closed.html", event=event, reason=error.message), 403
        except DomainError as error:
            show_registrant_error(form, error)
        else:
            if result.existing:
                return render_template(
                    "registration/already.html",
                    event=event,
                    link_sent=result.link_sent,
                    contact=messages.masked_contact(result.registration),
                )
            return redirect(url_for("registration.participant", token=result.registration.token, baru=1))
    # The KIM and kabupaten lists are only needed to show the form, not to accept it.
    form.bind_choices(event)
    form.stamp()
    return render_template(
        "registration/form.html",
        form=form,
        excuse_form=excuse_form,
        event=event,
        invitation=invitation,
        seats=services.seats(event),
        extra=extra,
        extra_problems=extra_problems,
    )


# What the code page posts besides the form it carries.
_CODE_PAGE_FIELDS = {"csrf_token", "verification_code", "resend", "edit"}


def _registration_code_page(event: Event, form: RegistrationForm, now):
    """For an event that verifies numbers: the code page until the form's phone (or, without
    one, its e-mail) is proven; None once it is. The page carries the whole form back."""
    contact = verification_services.normalize_contact((form.phone.data or "").strip() or form.email.data)
    if proofs.proven(contact, proofs.REGISTRATION, now):
        return None
    what_for = _("pendaftaran %(title)s", title=event.title)
    step = verification.code_step(contact, proofs.REGISTRATION, event.organization_id, what_for, now)
    if step.proven:
        return None
    hidden = [(k, v) for k, v in request.form.items(multi=True) if k not in _CODE_PAGE_FIELDS]
    return verification.code_page(contact, hidden, _("Pendaftaran %(title)s", title=event.title), step)


# A village hall of 100 people on one Wi-Fi (or behind a carrier's NAT) shares one address, so
# the limit per address lets a hall register within a few minutes; the same phone or e-mail
# trying again and again is limited much harder.
PER_ADDRESS_LIMIT = "100 per minute;1000 per hour"
PER_CONTACT_LIMIT = "10 per hour"


def _contact_key() -> str:
    """Rate-limit key: the page and the contact typed (digits of the phone, or the e-mail)."""
    phone = "".join(ch for ch in request.form.get("phone", "") if ch.isdigit())[-9:]
    contact = phone or request.form.get("email", "").strip().lower()[:254] or get_remote_address()
    return f"{request.path}:{contact}"


@bp.route("/acara/<slug>/daftar", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS_LIMIT, methods=["POST"])
@limiter.limit(PER_CONTACT_LIMIT, methods=["POST"], key_func=_contact_key)
def register(slug: str):
    """The registration form; works without JavaScript and keeps what was typed. The empty
    form is the same for every anonymous visitor but for their token and signed time, so it
    is rendered once every few seconds (pagecache)."""
    if pagecache.applies():
        return pagecache.serve(
            ("daftar", slug), lambda: _as_page(_register_page(_published_or_404(slug), None)), _FORM_MARKS
        )
    return _register_page(_published_or_404(slug), None)


_FORM_MARKS = {pagecache.SHOWN_MARK: RegistrationForm.signed_now}


def _as_page(result) -> tuple[str, int]:
    """A view's (body) or (body, status) as (body, status)."""
    return result if isinstance(result, tuple) else (result, 200)


@bp.route("/undangan/<token>", methods=["GET", "POST"])
@limiter.limit(PER_ADDRESS_LIMIT, methods=["POST"])
@limiter.limit(PER_CONTACT_LIMIT, methods=["POST"], key_func=_contact_key)
def invitation(token: str):
    """A personal invitation: the registration form, pre-filled, for an invitation-only event."""
    found = invitations.find_invitation(token)
    if found is None:
        abort(404)
    if found.registration is not None and found.registration.status != RegistrationStatus.CANCELLED:
        return redirect(url_for("registration.participant", token=found.registration.token))
    event = found.event
    if event.status == EventStatus.DRAFT:
        abort(404)
    excuse_form = ExcuseForm(formdata=None, excuse=found.excuse)
    if "excuse" in request.form:
        excuse_form = ExcuseForm()
        if excuse_form.validate_on_submit():
            try:
                invitations.excuse_invitation(found, excuse_form.excuse.data, utcnow())
            except DomainError as error:
                excuse_form.excuse.errors.append(error.message)
            else:
                flash(_("Terima kasih, jawaban izin Anda sudah diterima panitia."), "success")
                return redirect(url_for("registration.invitation", token=token))
    return _register_page(event, found, excuse_form)


@bp.route("/acara/<slug>/daftar-kelompok", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def register_group(slug: str):
    """A KIM chair registers members: first proves to be the chair, then ticks members and
    chooses how each takes part."""
    event = _published_or_404(slug)
    now = utcnow()
    reason = events.closed_reason(event, now)
    if reason:
        return render_template("registration/closed.html", event=event, reason=reason), 403
    chair_form = GroupChairForm()
    members_form = GroupMembersForm()
    if "register_members" in request.form:
        kim = _chair_kim(members_form)
        taken = services.registered_members(event, kim)
        members_form.members.choices = select_choices([(m.id, m.name) for m in kim.members])
        if members_form.validate_on_submit():
            if not members_form.consent.data:
                members_form.consent.errors.append(_("Konfirmasi persetujuan anggota diperlukan."))
            else:
                chosen = [i for i in members_form.members.data or [] if i not in taken]
                modes = {i: _member_mode(event, i) for i in chosen}
                try:
                    result = services.register_group(event, kim, modes, now)
                except services.RegistrationClosed as error:
                    return render_template("registration/closed.html", event=event, reason=error.message), 403
                except DomainError as error:
                    members_form.members.errors.append(error.message)
                else:
                    return render_template(
                        "registration/group_result.html",
                        event=event,
                        kim=kim,
                        result=result,
                    )
        return _group_page(event, chair_form, members_form, kim, taken)
    if "edit" not in request.form and chair_form.validate_on_submit():
        try:
            kim, code_page = _chair_proof(chair_form, now)
        except DomainError as error:
            chair_form.chair_code.errors.append(error.message)
        else:
            if code_page is not None:
                return code_page
            members_form.registration_number.data = chair_form.registration_number.data
            members_form.phone.data = chair_form.phone.data
            members_form.chair_code.data = chair_form.chair_code.data
            taken = services.registered_members(event, kim)
            return _group_page(event, chair_form, members_form, kim, taken, first_show=True)
    return _group_page(event, chair_form, members_form, None, {})


def _member_mode(event: Event, member_id: int) -> str:
    """The mode chosen on the member's row; a one-mode event has nothing to choose."""
    chosen = request.form.get(f"mode-{member_id}", "")
    return chosen if chosen in event.modes else event.modes[0]


def _group_page(
    event: Event, chair_form, members_form, kim: Kim | None, taken: dict, first_show: bool = False
):
    """The chair's pages; when the members list is first shown, the members not registered
    yet are ticked unless every mode is full."""
    seats = services.seats(event)
    default_mode, tick = services.group_defaults(event, seats)
    if first_show and kim is not None:
        members_form.members.data = [m.id for m in kim.members if tick and m.id not in taken]
    return render_template(
        "registration/group.html",
        event=event,
        chair_form=chair_form,
        members_form=members_form,
        kim=kim,
        taken=taken,
        seats=seats,
        default_mode=default_mode,
    )


def _chair_proof(form: GroupChairForm, now):
    """The chair's KIM, by the chair code or by a one-time code to the chair's phone on file;
    or, while that code is on its way, the page that asks for it."""
    number, phone = form.registration_number.data, form.phone.data
    contact = verification_services.normalize_contact(phone)
    proven = proofs.proven(contact, proofs.CHAIR, now)
    if "send_code" not in request.form:
        if not form.chair_code.data and not proven:
            raise DomainError(_("Isi kode ketua, atau minta kode verifikasi lewat WhatsApp ketua."))
        return services.find_chair(number, phone, form.chair_code.data or "", proven), None
    kim = services.find_chair(number, phone, "", phone_proven=True)
    what_for = _("pendaftaran anggota %(kim)s", kim=kim.name)
    step = verification.code_step(contact, proofs.CHAIR, kim.organization_id, what_for, now)
    if step.proven:
        return kim, None
    hidden = [("registration_number", number), ("phone", phone), ("send_code", "1")]
    title = _("Pendaftaran anggota %(kim)s oleh ketua", kim=kim.name)
    return kim, verification.code_page(contact, hidden, title, step)


def _chair_kim(form: GroupMembersForm) -> Kim:
    try:
        contact = verification_services.normalize_contact(form.phone.data or "")
        return services.find_chair(
            form.registration_number.data or "",
            form.phone.data or "",
            form.chair_code.data or "",
            proofs.proven(contact, proofs.CHAIR, utcnow()),
        )
    except DomainError:
        abort(403)


def _registration_or_404(token: str) -> Registration:
    registration = services.find_by_token(token)
    if registration is None:
        abort(404)
    return registration


def door_qr(code: str) -> segno.QRCode:
    """The QR code a participant shows at the door. Its mask pattern is fixed: segno would try
    all eight and keep the one its penalty rules like best, which costs about 2 ms, a quarter of
    the participant page's first view; a registration code fits a version 1 symbol, which any
    mask lets a reader take in (a test reads back hundreds of them)."""
    return segno.make_qr(code, error="m", mask=0)


@lru_cache(maxsize=4096)
def _qr_svg(code: str) -> str:
    """The door QR as inline SVG, drawn once per code in each worker: participants open their
    page again and again (at the door, to find the link)."""
    return door_qr(code).svg_inline(omitsize=True, title=code)


@bp.route("/p/<token>")
def participant(token: str):
    """A participant's own page: status, code, QR, schedule, link, cancel."""
    registration = _registration_or_404(token)
    event = registration.event
    position = services.waitlist_position(registration)
    summary = messages.summary_text(event, registration, position)
    whatsapp_to_self = whatsapp_url(registration.phone, summary) if registration.phone else None
    return render_template(
        "registration/participant.html",
        registration=registration,
        event=event,
        position=position,
        qr=Markup(_qr_svg(registration.code)),
        whatsapp_to_self=whatsapp_to_self,
        just_registered=request.args.get("baru") == "1",
        can_cancel=services.can_cancel(registration),
        name_form=NameRequestForm(
            formdata=None, requested_name=registration.requested_name or registration.name
        ),
    )


@bp.route("/p/<token>/nama", methods=["POST"])
def request_name(token: str):
    """A participant asks for another name on the certificate."""
    registration = _registration_or_404(token)
    form = NameRequestForm()
    if form.validate_on_submit():
        try:
            services.request_name_correction(registration, form.requested_name.data)
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Permintaan perbaikan nama terkirim ke panitia."), "success")
    else:
        flash(_("Tuliskan nama yang benar, paling banyak 150 huruf."), "error")
    return redirect(url_for("registration.participant", token=token))


@bp.route("/p/<token>/batal", methods=["GET", "POST"])
def cancel(token: str):
    """Confirm, then cancel one's own registration."""
    registration = _registration_or_404(token)
    if request.method == "POST":
        try:
            services.cancel(registration, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Pendaftaran Anda dibatalkan. Terima kasih sudah memberi tahu."), "success")
        return redirect(url_for("registration.participant", token=token))
    if not services.can_cancel(registration):
        return redirect(url_for("registration.participant", token=token))
    return render_template("registration/cancel.html", registration=registration, event=registration.event)


def init_app(app: Flask) -> None:
    """Register the public and organizer pages, the seat counts the event pages show, and what
    registration does when an event changes (tell participants, move the waiting list)."""
    app.register_blueprint(bp)
    app.register_blueprint(registrants_bp)
    app.jinja_env.globals.update(seats_of=services.seats, status_counts_of=lists.status_counts)
    events.event_changed.connect(services.on_event_changed)
    events.session_added.connect(services.on_session_added)
    events.session_changed.connect(services.on_session_changed)
    events.session_removed.connect(services.on_session_removed)
    events.event_cancelled.connect(services.on_event_cancelled)
