"""Organizer pages for an event's registrants and invitations, under /kelola/acara/<id>."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventapp.accounts.access import require_roles, scoped
from eventapp.accounts.models import Role
from eventapp.dbtypes import utcnow
from eventapp.edges import belonging_or_404, paginate, safe_next
from eventapp.errors import DomainError
from eventapp.events.access import managed_event_or_404
from eventapp.events.models import EventKind
from eventapp.extensions import db
from eventapp.forms import optional_int, select_choices
from eventapp.kim.models import Kim
from eventapp.questionnaires import services as questionnaires
from eventapp.registration import invitations as invitation_services
from eventapp.registration import lists, services
from eventapp.registration.forms import (
    NOT_KIM,
    InviteKimForm,
    InvitePersonForm,
    RegistrantForm,
    SpamForm,
    StatusForm,
    show_registrant_error,
    validate_registrant,
)
from eventapp.registration.models import STATUS_LABELS, Registration
from eventapp.tabular import spreadsheet_response

bp = Blueprint("registrants", __name__, url_prefix="/kelola/acara/<int:event_id>")
bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))


def _filters() -> lists.RegistrantFilters:
    args = request.args
    question_id, _colon, value = args.get("jawaban", "").partition(":")
    return lists.RegistrantFilters(
        answer=(int(question_id), value[:10]) if question_id.isdigit() and value else None,
        q=args.get("q", "")[:100],
        status=args.get("status", ""),
        mode=args.get("moda", ""),
        kim_id=optional_int(args.get("kim")),
        region_id=optional_int(args.get("kabupaten")),
        undelivered=args.get("pesan") == "gagal",
    )


@bp.route("/peserta")
def index(event_id: int):
    """Registrants with search, filters and pagination; a fixed number of queries per page."""
    event = managed_event_or_404(event_id)
    filters = _filters()
    page = paginate(lists.registrants_query(event, filters), 50)
    kims, regions = lists.filter_options(event)
    extra = questionnaires.registration_slots(event)
    shown_columns = [s for s in extra if s.name in request.args.getlist("kolom")]
    return render_template(
        "registration/registrants.html",
        event=event,
        page=page,
        messages=lists.latest_per_channel(lists.message_history([r.id for r in page.items])),
        filters=filters,
        counts=lists.status_counts(event),
        kims=kims,
        regions=regions,
        status_form=StatusForm(),
        extra=extra,
        shown_columns=shown_columns,
        answers=questionnaires.registration_answers(event, [r.id for r in page.items])
        if shown_columns
        else {},
        answer_filters=questionnaires.filterable(event),
    )


@bp.route("/peserta/ekspor.<any(xlsx, csv):fmt>")
def export(event_id: int, fmt: str):
    """The filtered registrants as a spreadsheet."""
    event = managed_event_or_404(event_id)
    headers, rows = lists.export(event, _filters())
    return spreadsheet_response(fmt, headers, rows, "Peserta", f"peserta-{event.slug}")


@bp.route("/peserta/baru", methods=["GET", "POST"])
def create(event_id: int):
    """Register someone by hand."""
    event = managed_event_or_404(event_id)
    form = RegistrantForm()
    form.bind_choices(event)
    if request.method == "POST" and not form.refresh_kim.data and validate_registrant(form, event, False):
        try:
            result = services.add_by_organizer(current_user, event, form.registrant(), utcnow())
        except DomainError as error:
            show_registrant_error(form, error)
        else:
            registration = result.registration
            if result.existing:
                flash(
                    _(
                        "%(name)s sudah terdaftar (kode %(code)s).",
                        name=registration.name,
                        code=registration.code,
                    ),
                    "warning",
                )
            else:
                flash(
                    _(
                        "%(name)s ditambahkan: %(status)s.",
                        name=registration.name,
                        status=STATUS_LABELS[registration.status],
                    ),
                    "success",
                )
            return redirect(url_for("registrants.index", event_id=event.id))
    return render_template("registration/registrant_form.html", form=form, event=event, not_kim=NOT_KIM)


@bp.route("/peserta/<int:registration_id>/ubah", methods=["GET", "POST"])
def correct(event_id: int, registration_id: int):
    """Correct a registrant's details; a requested certificate name is approved by saving."""
    event = managed_event_or_404(event_id)
    registration = belonging_or_404(Registration, registration_id, event_id=event.id)
    form = RegistrantForm()
    if request.method == "GET":
        form.fill_from(registration)
    if request.method == "POST" and not form.refresh_kim.data and validate_registrant(form, event, False):
        try:
            changes = services.correct_registrant(current_user, registration, form.registrant(), utcnow())
        except DomainError as error:
            show_registrant_error(form, error)
        else:
            if changes:
                flash(_("Data %(name)s diperbaiki.", name=registration.name), "success")
            return redirect(url_for("registrants.index", event_id=event.id))
    form.bind_choices(event)
    return render_template(
        "registration/registrant_form.html",
        form=form,
        event=event,
        registration=registration,
        messages=lists.message_history([registration.id])[registration.id],
        not_kim=NOT_KIM,
        extra=questionnaires.registration_slots(event),
        given=questionnaires.registration_answers(event, [registration.id]).get(registration.id, {}),
    )


@bp.route("/peserta/<int:registration_id>/status", methods=["POST"])
def set_status(event_id: int, registration_id: int):
    """Confirm, waitlist or cancel a registration by hand."""
    event = managed_event_or_404(event_id)
    registration = belonging_or_404(Registration, registration_id, event_id=event.id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            services.set_status(current_user, registration, form.status.data, utcnow())
            flash(
                _(
                    "Status %(name)s: %(status)s.",
                    name=registration.name,
                    status=STATUS_LABELS[registration.status],
                ),
                "success",
            )
        except DomainError as error:
            flash(error.message, "error")
    return redirect(safe_next(request.form.get("next")) or url_for("registrants.index", event_id=event.id))


@bp.route("/peserta/spam", methods=["POST"])
def cancel_as_spam(event_id: int):
    """Cancel the ticked registrants as spam, without writing to them."""
    event = managed_event_or_404(event_id)
    form = SpamForm()
    chosen = [i for i in form.registration_ids.data or [] if i] if form.validate_on_submit() else []
    if not chosen:
        flash(_("Centang dulu pendaftar yang akan dibatalkan sebagai spam."), "error")
    else:
        try:
            count = services.cancel_as_spam(current_user, event, chosen, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("%(n)d pendaftaran dibatalkan sebagai spam.", n=count), "success")
    return redirect(safe_next(request.form.get("next")) or url_for("registrants.index", event_id=event.id))


@bp.route("/peserta/<int:registration_id>/kirim-ulang", methods=["POST"])
def resend(event_id: int, registration_id: int):
    """Send the confirmation again, by WhatsApp and/or e-mail as the person chose."""
    event = managed_event_or_404(event_id)
    registration = belonging_or_404(Registration, registration_id, event_id=event.id)
    try:
        queued = services.resend_confirmation(current_user, registration, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Konfirmasi dikirim ulang ke %(to)s.", to=", ".join(m.addressee for m in queued)), "success")
    return redirect(url_for("registrants.index", event_id=event.id))


@bp.route("/rekap")
def recap(event_id: int):
    """Registrants by kabupaten/kota, KIM, gender and occupation."""
    event = managed_event_or_404(event_id)
    return render_template("registration/recap.html", event=event, recap=lists.recap(event))


@bp.route("/undangan/kirim", methods=["POST"])
def send_invitations(event_id: int):
    """Send every invitation not sent yet, on WhatsApp (or e-mail without a phone)."""
    event = managed_event_or_404(event_id)
    sent = invitation_services.send_invitations(current_user, event, utcnow())
    flash(_("%(n)d undangan dikirim.", n=sent), "success")
    return redirect(url_for("registrants.invitations", event_id=event.id))


@bp.route("/undangan", methods=["GET", "POST"])
def invitations(event_id: int):
    """Invite KIM (all their members) or single people; each invitee gets a personal link."""
    event = managed_event_or_404(event_id)
    kim_form = InviteKimForm(prefix="kim")
    person_form = InvitePersonForm(prefix="orang")
    kims = db.session.scalars(scoped(Kim, current_user).where(Kim.active.is_(True)).order_by(Kim.name)).all()
    invited = invitation_services.invited_per_kim(event)
    kim_form.kim_ids.choices = select_choices(
        [
            (
                k.id,
                _("%(name)s — %(n)d diundang", name=k.name, n=invited[k.id]) if k.id in invited else k.name,
            )
            for k in kims
        ]
    )
    if request.method == "GET":
        # The KIM already invited are ticked, so the page shows who the event reaches; a rakor
        # is the chairs' meeting, so it starts with "chairs only".
        kim_form.kim_ids.data = list(invited)
        kim_form.chairs_only.data = event.kind == EventKind.RAKOR
    if "kim-kim_ids" in request.form and kim_form.validate_on_submit():
        ticked = set(kim_form.kim_ids.data or [])  # only the KIM the page offered
        chosen = [k.id for k in kims if k.id in ticked]
        added = invitation_services.invite_kims(current_user, event, chosen, kim_form.chairs_only.data)
        flash(_("%(n)d undangan dibuat.", n=added), "success")
        return redirect(url_for("registrants.invitations", event_id=event.id))
    if "orang-name" in request.form and person_form.validate_on_submit():
        try:
            invitation_services.invite_person(
                current_user,
                event,
                person_form.name.data,
                person_form.phone.data or "",
                person_form.email.data or "",
            )
        except DomainError as error:
            show_registrant_error(person_form, error)
        else:
            flash(_("Undangan untuk %(name)s dibuat.", name=person_form.name.data), "success")
            return redirect(url_for("registrants.invitations", event_id=event.id))
    return render_template(
        "registration/invitations.html",
        event=event,
        kim_form=kim_form,
        person_form=person_form,
        invitations=invitation_services.event_invitations(event),
    )
