"""The one ICS builder: pure functions from events, sessions and registrations to iCalendar text.

Every file carries a full VTIMEZONE for the event's zone, local times with TZID, a stable UID per
session and a SEQUENCE that grows with each change people must see, so calendar apps show the
right hour and replace old versions instead of duplicating them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, vCalAddress, vText, vUri

PRODID = "-//eventapp//Diskominfo KIM//ID"
# Zones without daylight saving need a single STANDARD block; this span covers any event date.
TZ_FIRST, TZ_LAST = datetime(1970, 1, 1), datetime(2100, 1, 1)


@dataclass(frozen=True)
class Links:
    """Where the calendar entry points: the event page, and the attendee's own page."""

    event_url: str
    participant_url: str | None = None


@cache
def vtimezone(tz_name: str) -> Timezone:
    """The VTIMEZONE block for an IANA zone, built once per zone."""
    timezone = Timezone.from_tzid(tz_name, first_date=TZ_FIRST.date(), last_date=TZ_LAST.date())
    timezone.pop("COMMENT", None)  # icalendar notes the span it covered; calendar apps need none of it
    return timezone


def session_uid(session, base_url: str) -> str:
    """Stable across every file we send about this session."""
    return f"eventapp-session-{session.id}@{urlsplit(base_url).hostname or 'eventapp'}"


def _calendar(method: str, tz_names: set[str]) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    for tz_name in sorted(tz_names):
        cal.add_component(vtimezone(tz_name))
    return cal


def _where(event, online: bool) -> str:
    if online:
        return event.online_url or "Daring"
    if event.mode == "daring":
        return "Daring"
    return ", ".join(part for part in (event.venue_name, event.venue_address) if part)


def _vevent(
    event,
    session,
    base_url: str,
    now: datetime,
    links: Links,
    *,
    sequence: int,
    status: str,
    description: str,
    location: str,
    url: str,
) -> Event:
    zone = ZoneInfo(event.timezone)
    item = Event()
    item.add("uid", session_uid(session, base_url))
    item.add("dtstamp", now)
    item.add("dtstart", session.starts_at.astimezone(zone))
    item.add("dtend", session.ends_at.astimezone(zone))
    summary = (
        event.title if not session.title or len(event.sessions) == 1 else f"{event.title} — {session.title}"
    )
    item.add("summary", summary)
    item.add("description", description)
    item.add("location", location)
    item.add("url", vUri(url))
    item.add("sequence", sequence)
    item.add("status", status)
    item.add("transp", "OPAQUE")
    if status != "CANCELLED":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Pengingat: {event.title}")
        alarm.add("trigger", timedelta(hours=-1))
        item.add_component(alarm)
    return item


def _description(event, links: Links, extra: list[str]) -> str:
    lines = [*extra, f"Halaman acara: {links.event_url}"]
    if links.participant_url:
        lines.append(f"Halaman peserta: {links.participant_url}")
    lines.append(f"Penyelenggara: {event.organization.name}")
    return "\n".join(lines)


def publish(events_with_links: list[tuple], base_url: str, now: datetime, name: str | None = None) -> bytes:
    """METHOD:PUBLISH for 'add to calendar' and feeds: one VEVENT per session; never the
    online meeting link. `events_with_links` holds (event, Links) pairs."""
    cal = _calendar("PUBLISH", {event.timezone for event, _ in events_with_links})
    if name:
        cal.add("x-wr-calname", name)
        cal.add("name", name)
    for event, links in events_with_links:
        status = "CANCELLED" if event.status == "cancelled" else "CONFIRMED"
        for session in event.sessions:
            cal.add_component(
                _vevent(
                    event,
                    session,
                    base_url,
                    now,
                    links,
                    sequence=session.sequence,
                    status=status,
                    description=_description(event, links, []),
                    location=_where(event, online=False),
                    url=links.event_url,
                )
            )
    return cal.to_ical()


def _organizer(event, sender: str) -> vCalAddress:
    organizer = vCalAddress(f"mailto:{sender}")
    organizer.params["cn"] = vText(event.organization.name)
    return organizer


def _attendee(registration) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    return attendee


def personal(
    event, registration, base_url: str, sender: str, now: datetime, links: Links, method: str = "REQUEST"
) -> bytes:
    """A confirmed participant's own calendar file, every session, with the meeting link for
    online participants in LOCATION, DESCRIPTION, URL and CONFERENCE. METHOD:REQUEST, with the
    participant as ATTENDEE, is the invite mailed to them; METHOD:PUBLISH, without one, is the
    file they download to add to their own calendar."""
    online = registration.attendance_mode == "daring"
    cal = _calendar(method, {event.timezone})
    for session in event.sessions:
        extra = [f"Kode pendaftaran: {registration.code}"]
        if online and event.online_url:
            extra.append(f"Tautan daring: {event.online_url}")
            if event.online_passcode:
                extra.append(f"Kode sandi: {event.online_passcode}")
        item = _vevent(
            event,
            session,
            base_url,
            now,
            links,
            sequence=session.sequence,
            status="CONFIRMED",
            description=_description(event, links, extra),
            location=_where(event, online),
            url=event.online_url if online and event.online_url else links.event_url,
        )
        item.add("organizer", _organizer(event, sender))
        if method == "REQUEST":
            item.add("attendee", _attendee(registration))
        if online and event.online_url:
            item.add(
                "conference",
                vUri(event.online_url),
                parameters={"value": "URI", "feature": "AUDIO,VIDEO", "label": "Rapat daring"},
            )
        cal.add_component(item)
    return cal.to_ical()


def cancel(
    event,
    registration,
    base_url: str,
    sender: str,
    now: datetime,
    links: Links,
    sequence_bump: int = 1,
    sessions=None,
) -> bytes:
    """METHOD:CANCEL: the same UIDs with SEQUENCE raised and STATUS:CANCELLED, for a cancelled
    event (its stored sequence was raised already: bump 0), one attendee's cancellation, or
    the given `sessions` taken off the programme."""
    cal = _calendar("CANCEL", {event.timezone})
    for session in sessions if sessions is not None else event.sessions:
        item = _vevent(
            event,
            session,
            base_url,
            now,
            links,
            sequence=session.sequence + sequence_bump,
            status="CANCELLED",
            description=_description(event, links, [event.cancel_reason] if event.cancel_reason else []),
            location=_where(event, online=False),
            url=links.event_url,
        )
        item.add("organizer", _organizer(event, sender))
        item.add("attendee", _attendee(registration))
        cal.add_component(item)
    return cal.to_ical()
