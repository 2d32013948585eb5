"""Public event pages: the list at / and /acara, and one event at /acara/<slug>."""

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import select

from eventapp import pagecache
from eventapp.accounts.models import Organization
from eventapp.dbtypes import utcnow
from eventapp.edges import paginate
from eventapp.events import services
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.forms import optional_int
from eventapp.phones import whatsapp_url
from eventapp.regions.models import Region, RegionLevel

bp = Blueprint("public_events", __name__)


def _filters() -> services.PublicFilters:
    args = request.args
    return services.PublicFilters(
        q=args.get("q", "")[:100],
        kind=args.get("jenis", ""),
        mode=args.get("moda", ""),
        region_id=optional_int(args.get("kabupaten")),
        organization_id=optional_int(args.get("penyelenggara")),
        past=args.get("waktu") == "lalu",
    )


@bp.route("/")
@bp.route("/acara")
def index():
    """Upcoming events (or past ones) with filters."""
    filters = _filters()
    page = paginate(services.public_events(filters, utcnow()), 20)
    used_regions = select(Event.region_id).where(Event.status != "draft")
    regions = db.session.scalars(
        select(Region)
        .where(Region.level == RegionLevel.KABUPATEN, Region.id.in_(used_regions))
        .order_by(Region.name)
    ).all()
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template(
        "events/public_index.html",
        page=page,
        filters=filters,
        regions=regions,
        organizations=organizations,
    )


@bp.route("/acara/<slug>")
def detail(slug: str):
    """Everything a participant needs before registering; the same bytes for every anonymous
    visitor for a few seconds (pagecache)."""
    if pagecache.applies():
        return pagecache.serve(("acara", slug), lambda: (_detail(slug), 200), {})
    return _detail(slug)


def _detail(slug: str) -> str:
    event = services.find_published(slug)
    if event is None:
        abort(404)
    now = utcnow()
    event_url = url_for("public_events.detail", slug=event.slug, _external=True)
    share_text = f"{event.title}\n{event_url}"
    return render_template(
        "events/public_detail.html",
        event=event,
        closed_reason=services.closed_reason(event, now),
        now=now,
        whatsapp_share=whatsapp_url(text=share_text),
    )
