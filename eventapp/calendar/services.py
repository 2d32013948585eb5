"""Calendar files for pages and feeds, and the reminder e-mails before each session."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask_babel import gettext as _
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from eventapp import ics
from eventapp.calendar.models import ReminderDelivery, ReminderKind
from eventapp.events.models import Audience, Event, EventSession, EventStatus
from eventapp.extensions import db
from eventapp.i18n import format_datetime, format_span, format_time
from eventapp.outbox.jobs import commit
from eventapp.registration import messages
from eventapp.registration.models import Registration, RegistrationStatus

FEED_PAST_DAYS = 90


def event_links(event: Event, base_url: str) -> ics.Links:
    return ics.Links(event_url=f"{base_url.rstrip('/')}/acara/{event.slug}")


def event_file(event: Event, base_url: str, now: datetime) -> bytes:
    """'Add to calendar' for one event (PUBLISH, no meeting link)."""
    return ics.publish([(event, event_links(event, base_url))], base_url, now)


def feed(
    base_url: str, now: datetime, organization_id: int | None = None, region_id: int | None = None
) -> bytes:
    """A subscribable feed of public events (not invitation-only ones) from the last 90 days on:
    all of them, one office's, or one kabupaten/kota's. Three queries whatever the size."""
    recent = exists(
        select(EventSession.id).where(
            EventSession.event_id == Event.id, EventSession.ends_at >= now - timedelta(days=FEED_PAST_DAYS)
        )
    )
    stmt = (
        select(Event)
        .where(
            Event.status.in_([EventStatus.PUBLISHED, EventStatus.FINISHED, EventStatus.CANCELLED]),
            Event.audience != Audience.UNDANGAN,
            recent,
        )
        # The sessions of every event in one query (selectinload would send one per 500 events),
        # the office joined in: the same statements for 100 events or 5,000.
        .options(subqueryload(Event.sessions), joinedload(Event.organization))
        .order_by(Event.id)
    )
    if organization_id is not None:
        stmt = stmt.where(Event.organization_id == organization_id)
    if region_id is not None:
        stmt = stmt.where(Event.region_id == region_id)
    events = db.session.scalars(stmt).all()
    return ics.publish(
        [(event, event_links(event, base_url)) for event in events],
        base_url,
        now,
        name=_("Acara Diskominfo untuk KIM"),
    )


def google_calendar_url(event: Event, base_url: str) -> str | None:
    """A 'Tambahkan ke Google Calendar' link for the first session (Google takes one range)."""
    if not event.sessions:
        return None
    session = event.sessions[0]
    stamp = "%Y%m%dT%H%M%SZ"
    location = (
        "Daring"
        if event.mode == "daring"
        else ", ".join(p for p in (event.venue_name, event.venue_address) if p)
    )
    query = {
        "action": "TEMPLATE",
        "text": event.title,
        "dates": f"{session.starts_at.strftime(stamp)}/{session.ends_at.strftime(stamp)}",
        "details": event_links(event, base_url).event_url,
        "location": location,
        "ctz": event.timezone,
    }
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def participant_file(registration: Registration, now: datetime) -> bytes:
    """The file a confirmed participant downloads from their page to add every session to
    their calendar (PUBLISH: an invite is what the mail carries)."""
    return messages.invite(registration.event, registration, now, "PUBLISH")


# --- Reminders ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    kind: str
    lead: timedelta  # how long before the start the reminder is due


WINDOWS = (
    Window(ReminderKind.DAY_BEFORE, timedelta(days=1)),
    Window(ReminderKind.HOUR_BEFORE, timedelta(hours=1)),
)


def reminder_text(event: Event, session: EventSession, registration: Registration, kind: str | None) -> str:
    """What a reminder says. Without a kind it is the text the participant page offers for
    WhatsApp, which may be sent any day, so it names the day and not 'besok'."""
    openings: dict[str | None, str] = {
        ReminderKind.DAY_BEFORE: _("Besok: %(title)s", title=event.title),
        ReminderKind.HOUR_BEFORE: _("Satu jam lagi: %(title)s", title=event.title),
    }
    first = openings.get(kind, _("Pengingat: %(title)s", title=event.title))
    lines = [
        first,
        _("Waktu: %(when)s", when=format_span(session.starts_at, session.ends_at, event.timezone, "id")),
        *messages.place_lines(event, registration),
    ]
    if registration.attendance_mode == "luring":
        lines.append(
            _(
                "Bawa: kode pendaftaran %(code)s (atau QR di halaman peserta) dan alat tulis.",
                code=registration.code,
            )
        )
    else:
        lines.append(_("Siapkan: koneksi internet dan nama tampilan sesuai nama pendaftaran."))
    lines.append(_("Halaman peserta: %(url)s", url=messages.participant_url(registration)))
    return "\n".join(lines)


def _when(event: Event, session: EventSession, kind: str) -> str:
    """'besok, Selasa, 15 Desember 2026, 09.00 WIB' or 'satu jam lagi, pukul 09.00 WIB'."""
    if kind == ReminderKind.HOUR_BEFORE:
        return _("satu jam lagi, pukul %(time)s", time=format_time(session.starts_at, event.timezone))
    return _("besok, %(when)s", when=format_datetime(session.starts_at, event.timezone, "id"))


def next_reminder_text(registration: Registration, now: datetime) -> str | None:
    """The reminder for a confirmed participant's next session, or None when nothing is ahead."""
    upcoming = [s for s in registration.event.sessions if s.starts_at > now]
    if registration.status != RegistrationStatus.CONFIRMED or not upcoming:
        return None
    return reminder_text(registration.event, upcoming[0], registration, None)


def _due(now: datetime, window: Window):
    """(session, registration) pairs whose reminder of this kind is due now and not yet sent."""
    already = exists(
        select(ReminderDelivery.id).where(
            ReminderDelivery.registration_id == Registration.id,
            ReminderDelivery.session_id == EventSession.id,
            ReminderDelivery.kind == window.kind,
        )
    )
    return db.session.execute(
        select(EventSession, Registration)
        .join(Event, Event.id == EventSession.event_id)
        .join(
            Registration,
            and_(Registration.event_id == Event.id, Registration.status == RegistrationStatus.CONFIRMED),
        )
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.reminders_enabled.is_(True),
            EventSession.starts_at > now,
            EventSession.starts_at <= now + window.lead,
            ~already,
        )
        .options(selectinload(EventSession.event).selectinload(Event.sessions))
        .order_by(EventSession.starts_at, Registration.id)
    ).all()


def send_due_reminders(now: datetime) -> int:
    """Queue every reminder that is due: the day before and an hour before each session.

    Each (participant, session, kind) is written once, on each of the participant's channels:
    the delivery row and its outbox messages commit together, and the unique key stops a
    second run or a second worker. Returns how many participants were reminded."""
    sent = 0
    for window in WINDOWS:
        for session, registration in _due(now, window):
            event = session.event
            if window.kind == ReminderKind.DAY_BEFORE and session.starts_at - now <= timedelta(hours=1):
                continue  # registered at the last minute: the hour-before reminder is enough
            db.session.add(
                ReminderDelivery(registration_id=registration.id, session_id=session.id, kind=window.kind)
            )
            messages.notify(
                event,
                registration,
                _("Pengingat: %(title)s", title=event.title),
                reminder_text(event, session, registration, window.kind),
                "pengingat",
                {
                    **messages.whatsapp_values(event, registration),
                    "kapan": _when(event, session, window.kind),
                },
            )
            try:
                commit()
            except IntegrityError:
                db.session.rollback()  # another run sent it first
                continue
            sent += 1
    return sent
