"""Organizer pages for events under /kelola/acara."""

from datetime import datetime, timedelta
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.validators import Optional

from eventapp.accounts.access import require_roles
from eventapp.accounts.forms import bind_organization_field
from eventapp.accounts.models import OrganizationLevel, Role
from eventapp.audit.services import describe, event_history
from eventapp.dbtypes import utcnow
from eventapp.edges import belonging_or_404, paginate
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events import services
from eventapp.events.access import managed_event_or_404
from eventapp.events.forms import (
    CancelEventForm,
    DuplicateEventForm,
    EventForm,
    NewEventForm,
    PersonForm,
    SessionForm,
)
from eventapp.events.models import (
    Event,
    EventKind,
    EventPerson,
    EventSession,
)
from eventapp.forms import select_choices, show_error
from eventapp.i18n import local_to_utc, utc_to_local
from eventapp.regions.services import kabupaten_in

bp = Blueprint("events", __name__, url_prefix="/kelola/acara")
bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))


def _to_utc(value: datetime | None, tz_name: str) -> datetime | None:
    return local_to_utc(value.date(), value.time(), tz_name) if value else None


def _event_data(form: EventForm) -> services.EventData:
    tz_name = form.timezone.data
    return services.EventData(
        **{
            name: getattr(form, name).data or ""
            for name in (
                "title",
                "kind",
                "mode",
                "audience",
                "description",
                "venue_name",
                "venue_address",
                "map_url",
                "online_url",
                "online_passcode",
                "timezone",
                "contact_name",
                "contact_phone",
            )
        },
        region_id=form.region_id.data,
        venue_capacity=form.venue_capacity.data,
        online_capacity=form.online_capacity.data,
        registration_opens_at=_to_utc(form.registration_opens_at.data, tz_name),
        registration_closes_at=_to_utc(form.registration_closes_at.data, tz_name),
        reminders_enabled=form.reminders_enabled.data,
        verify_contact=form.verify_contact.data,
        attendance_rule=form.attendance_rule.data,
        attendance_min_sessions=form.attendance_min_sessions.data or 1,
        attendance_min_percent=form.attendance_min_percent.data or 75,
    )


def _poster_upload(form: EventForm) -> tuple[bytes | None, Path]:
    """The uploaded poster's bytes (None when no file was chosen) and where posters live."""
    return (form.poster.data.read() if form.poster.data else None), current_app.config["UPLOAD_DIR"]


def _bind_region_choices(form: EventForm, organization) -> None:
    options = kabupaten_in(organization.region if organization else None)
    if organization is not None and organization.level == OrganizationLevel.PROVINSI:
        # A provincial office also runs events for the whole province (a webinar for every KIM).
        whole = _("Seluruh provinsi")
        form.region_id.choices = select_choices([("", whole)] + [(r.id, r.name) for r in options])
        form.region_id.validators = [Optional()]
        form.region_id.flags.required = False
        return
    form.region_id.choices = select_choices([("", _("— pilih —"))] + [(r.id, r.name) for r in options])
    if form.region_id.data is None and len(options) == 1:
        form.region_id.data = options[0].id


# Where each refusal of the event services is shown on the event form.
EVENT_FIELD_OF_ERROR = {
    "title_required": "title",
    "venue_required": "venue_name",
    "registration_window": "registration_closes_at",
    "timezone_unknown": "timezone",
    "session_order": "end",
    "region_unknown": "region_id",
    "attendance_rule": "attendance_min_sessions",
    "poster_too_large": "poster",
    "contact_phone_invalid": "contact_phone",
    "poster_bad_type": "poster",
    "organization_required": "organization_id",
}


@bp.route("/")
def index():
    """The office's events: today's sessions first, then the list with search and filters
    (upcoming by default, past ones and all of them a click away)."""
    filters = services.OrganizerFilters(
        q=request.args.get("q", "")[:100],
        status=request.args.get("status", ""),
        kind=request.args.get("jenis", ""),
        when=request.args.get("waktu", "mendatang"),
    )
    page = paginate(services.organizer_events(current_user, filters, utcnow()), 25)
    return render_template("events/index.html", page=page, filters=filters)


@bp.route("/baru", methods=["GET", "POST"])
def create():
    """Create an event: first pick a kind, then a form pre-filled with that kind's defaults."""
    kind = request.args.get("jenis", "")
    if kind not in set(EventKind):
        return render_template("events/choose_kind.html", defaults=services.KIND_DEFAULTS)
    form = NewEventForm()
    organization = bind_organization_field(form, current_user)
    if request.method == "GET":
        defaults = services.defaults_for(kind)
        form.kind.data, form.mode.data, form.audience.data = kind, defaults.mode, defaults.audience
        form.venue_capacity.data, form.online_capacity.data = (
            defaults.venue_capacity,
            defaults.online_capacity,
        )
        form.start.data, form.end.data = defaults.start, defaults.end
        form.timezone.data = current_app.config["DEFAULT_TIMEZONE"]
        form.contact_name.data = current_user.name
    _bind_region_choices(form, organization)
    if form.validate_on_submit():
        defaults = services.defaults_for(form.kind.data)
        # A multi-day kind (bimtek) starts with one session a day on consecutive days.
        sessions = [
            services.SessionData(
                day=form.day.data + timedelta(days=n),
                start=form.start.data,
                end=form.end.data,
                title=_("Hari %(n)d", n=n + 1) if defaults.days > 1 else "",
            )
            for n in range(defaults.days)
        ]
        try:
            if organization is None:
                raise ValidationFailed(_("Pilih penyelenggara."), "organization_required")
            event = services.create_event(
                current_user, organization, _event_data(form), sessions, *_poster_upload(form)
            )
        except DomainError as error:
            show_error(form, error, EVENT_FIELD_OF_ERROR, "title")
        else:
            flash(_("Acara dibuat sebagai draf. Periksa sesi dan narasumber, lalu terbitkan."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>")
def detail(event_id: int):
    """One event for its organizers: status, schedule, programme, seats and actions."""
    return _detail_page(managed_event_or_404(event_id), PersonForm())


def _detail_page(event: Event, person_form: PersonForm, status: int = 200):
    page = render_template(
        "events/detail.html",
        event=event,
        person_form=person_form,
    )
    return page, status


@bp.route("/<int:event_id>/ubah", methods=["GET", "POST"])
def edit(event_id: int):
    """Edit an event's details and poster."""
    event = managed_event_or_404(event_id)
    form = EventForm(obj=event)
    if request.method == "GET":
        for name in ("registration_opens_at", "registration_closes_at"):
            value = getattr(event, name)
            getattr(form, name).data = (
                utc_to_local(value, event.timezone).replace(tzinfo=None) if value else None
            )
    _bind_region_choices(form, event.organization)
    if form.validate_on_submit():
        try:
            services.update_event(current_user, event, _event_data(form), utcnow(), *_poster_upload(form))
        except DomainError as error:
            show_error(form, error, EVENT_FIELD_OF_ERROR, "title")
        else:
            flash(_("Acara disimpan."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


def _status_action(event_id: int, action, success: str):
    """Run a one-button status change and come back to the event with its outcome."""
    event = managed_event_or_404(event_id)
    try:
        action(current_user, event)
        flash(success, "success")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/terbitkan", methods=["POST"])
def publish(event_id: int):
    """Make a draft public."""
    return _status_action(
        event_id, services.publish_event, _("Acara diterbitkan. Bagikan tautannya ke grup WhatsApp KIM.")
    )


@bp.route("/<int:event_id>/selesai", methods=["POST"])
def finish(event_id: int):
    """Mark an event as held."""
    return _status_action(event_id, services.finish_event, _("Acara ditandai selesai."))


@bp.route("/<int:event_id>/batalkan", methods=["GET", "POST"])
def cancel(event_id: int):
    """Cancel an event with a reason that participants receive."""
    event = managed_event_or_404(event_id)
    form = CancelEventForm()
    if form.validate_on_submit():
        try:
            told = services.cancel_event(current_user, event, form.reason.data, utcnow())
        except DomainError as error:
            form.reason.errors.append(error.message)
        else:
            flash(_("Acara dibatalkan; %(n)d pendaftar diberi tahu.", n=told), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/cancel.html", form=form, event=event)


@bp.route("/<int:event_id>/duplikat", methods=["GET", "POST"])
def duplicate(event_id: int):
    """Copy an event (next month's sosialisasi) as a new draft on another date."""
    event = managed_event_or_404(event_id)
    form = DuplicateEventForm()
    if form.validate_on_submit():
        try:
            copy = services.duplicate_event(current_user, event, form.first_day.data)
        except DomainError as error:
            form.first_day.errors.append(error.message)
        else:
            flash(_("Salinan dibuat sebagai draf."), "success")
            return redirect(url_for("events.detail", event_id=copy.id))
    return render_template("events/duplicate.html", form=form, event=event)


def _session_data(form: SessionForm) -> services.SessionData:
    return services.SessionData(
        day=form.day.data, start=form.start.data, end=form.end.data, title=form.title.data or ""
    )


@bp.route("/<int:event_id>/sesi/baru", methods=["GET", "POST"])
def session_create(event_id: int):
    """Add a session."""
    event = managed_event_or_404(event_id)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            services.add_session(current_user, event, _session_data(form), utcnow())
        except DomainError as error:
            form.end.errors.append(error.message)
        else:
            flash(_("Sesi ditambahkan."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/session_form.html", form=form, event=event, session=None)


@bp.route("/<int:event_id>/sesi/<int:session_id>", methods=["GET", "POST"])
def session_edit(event_id: int, session_id: int):
    """Move or rename a session."""
    event = managed_event_or_404(event_id)
    session = belonging_or_404(EventSession, session_id, event_id=event.id)
    form = SessionForm()
    if request.method == "GET":
        starts, ends = (
            utc_to_local(session.starts_at, event.timezone),
            utc_to_local(session.ends_at, event.timezone),
        )
        form.day.data, form.start.data, form.end.data = starts.date(), starts.time(), ends.time()
        form.title.data = session.title
    if form.validate_on_submit():
        try:
            services.update_session(current_user, session, _session_data(form), utcnow())
        except DomainError as error:
            form.end.errors.append(error.message)
        else:
            flash(_("Sesi disimpan."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/session_form.html", form=form, event=event, session=session)


@bp.route("/<int:event_id>/sesi/<int:session_id>/hapus", methods=["POST"])
def session_delete(event_id: int, session_id: int):
    """Delete a session."""
    event = managed_event_or_404(event_id)
    try:
        services.remove_session(
            current_user, belonging_or_404(EventSession, session_id, event_id=event.id), utcnow()
        )
        flash(_("Sesi dihapus."), "success")
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/orang", methods=["POST"])
def person_create(event_id: int):
    """Put someone on the programme."""
    event = managed_event_or_404(event_id)
    form = PersonForm()
    if form.validate_on_submit():
        services.add_person(current_user, event, form.person())
        flash(_("%(name)s ditambahkan ke susunan acara.", name=form.name.data), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return _detail_page(event, form, 422)


@bp.route("/<int:event_id>/orang/<int:person_id>/ubah", methods=["GET", "POST"])
def person_edit(event_id: int, person_id: int):
    """Correct someone on the programme."""
    event = managed_event_or_404(event_id)
    person = belonging_or_404(EventPerson, person_id, event_id=event.id)
    form = PersonForm(obj=person)
    if form.validate_on_submit():
        services.update_person(current_user, person, form.person())
        flash(_("Data %(name)s disimpan.", name=person.name), "success")
        return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/person_form.html", form=form, event=event, person=person)


@bp.route("/<int:event_id>/orang/<int:person_id>/hapus", methods=["POST"])
def person_delete(event_id: int, person_id: int):
    """Take someone off the programme."""
    event = managed_event_or_404(event_id)
    person = belonging_or_404(EventPerson, person_id, event_id=event.id)
    services.remove_person(current_user, person)
    flash(_("%(name)s dihapus dari susunan acara.", name=person.name), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/<int:event_id>/riwayat")
def history(event_id: int):
    """Who changed what on this event."""
    event = managed_event_or_404(event_id)
    entries = [(entry, *describe(entry, event.timezone)) for entry in event_history(event.id)]
    return render_template("events/history.html", event=event, entries=entries)
