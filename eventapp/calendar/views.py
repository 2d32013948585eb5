"""Calendar downloads and feeds, and the calendar links shown on event and participant pages."""

from flask import Blueprint, Flask, Response, abort, current_app, url_for
from sqlalchemy import select

from eventapp.accounts.models import Organization
from eventapp.calendar import services
from eventapp.dbtypes import utcnow
from eventapp.events import services as events
from eventapp.extensions import db
from eventapp.phones import whatsapp_url
from eventapp.regions.models import Region, RegionLevel
from eventapp.registration import services as registration_services
from eventapp.registration.models import Registration, RegistrationStatus

bp = Blueprint("calendar", __name__)


def _ics(body: bytes, filename: str) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "max-age=300"},
    )


@bp.route("/acara/<slug>/kalender.ics")
def event_file(slug: str):
    """Add one event to a calendar (no meeting link in this public file)."""
    event = events.find_published(slug)
    if event is None:
        abort(404)
    return _ics(services.event_file(event, current_app.config["BASE_URL"], utcnow()), f"{event.slug}.ics")


@bp.route("/p/<token>/kalender.ics")
def participant_file(token: str):
    """A confirmed participant's personal invite, with the meeting link for online attendance."""
    registration = registration_services.find_by_token(token)
    if registration is None or registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    return _ics(services.participant_file(registration, utcnow()), f"undangan-{registration.code}.ics")


@bp.route("/kalender.ics")
def feed_all():
    """Feed of all public events."""
    return _ics(services.feed(current_app.config["BASE_URL"], utcnow()), "acara.ics")


@bp.route("/kalender/organisasi/<int:organization_id>.ics")
def feed_organization(organization_id: int):
    """Feed of one office's public events."""
    db.get_or_404(Organization, organization_id)
    body = services.feed(current_app.config["BASE_URL"], utcnow(), organization_id=organization_id)
    return _ics(body, f"acara-organisasi-{organization_id}.ics")


@bp.route("/kalender/kabupaten/<int:region_id>.ics")
def feed_region(region_id: int):
    """Feed of the public events held in one kabupaten/kota."""
    region = db.get_or_404(Region, region_id)
    if region.level != RegionLevel.KABUPATEN:
        abort(404)
    return _ics(
        services.feed(current_app.config["BASE_URL"], utcnow(), region_id=region_id), f"acara-{region_id}.ics"
    )


def webcal_url(endpoint: str, **values) -> str:
    """The feed address as webcal://, which phones and desktop calendars open as a subscription."""
    url = url_for(endpoint, _external=True, **values)
    return "webcal://" + url.split("://", 1)[1]


def reminder_whatsapp_url(registration: Registration) -> str | None:
    """The next reminder's text as a WhatsApp message to oneself, for people without e-mail."""
    text = services.next_reminder_text(registration, utcnow()) if registration.phone else None
    return whatsapp_url(registration.phone, text) if text else None


def feed_links() -> list[tuple[str, str]]:
    """(label, webcal URL) of the feeds offered on the public list."""
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return [
        (org.name, webcal_url("calendar.feed_organization", organization_id=org.id)) for org in organizations
    ]


def init_app(app: Flask) -> None:
    """Register the routes, the reminder job and the template helpers of this feature."""
    import eventapp.calendar.jobs  # noqa: F401  (registers the periodic task)

    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        google_calendar_url=lambda event: services.google_calendar_url(event, app.config["BASE_URL"]),
        reminder_whatsapp_url=reminder_whatsapp_url,
        webcal_url=webcal_url,
        calendar_feed_links=feed_links,
    )
