"""'Kirim pesan ke peserta': an organizer writes to the registrants they pick (by status, mode,
KIM, kabupaten/kota and attendance of a session), sees the count and a preview, and sends.
Each person gets it on their own channels, except contacts that stopped announcements; the
outbox delivers it at each office number's rate."""

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from eventapp.accounts.access import require_manager
from eventapp.accounts.models import User
from eventapp.attendance.models import Attendance, AttendanceStatus
from eventapp.broadcasts.models import Broadcast
from eventapp.errors import ValidationFailed
from eventapp.events.models import Event, EventSession
from eventapp.extensions import db
from eventapp.labels import label
from eventapp.outbox import catalogue
from eventapp.outbox import services as outbox
from eventapp.outbox.jobs import commit
from eventapp.outbox.models import Channel, OutboxMessage, OutboxStatus
from eventapp.outbox.views import opt_out_url
from eventapp.registration import lists, messages
from eventapp.registration.models import Registration, RegistrationMessage, RegistrationStatus

# WhatsApp allows 1,024 characters per value; the template's own words take the rest.
MAX_TEXT = 700


@dataclass
class Audience:
    statuses: list[str] = field(default_factory=lambda: [RegistrationStatus.CONFIRMED])
    mode: str = ""
    kim_id: int | None = None
    region_id: int | None = None
    # "hadir" or "belum" (not present) at `session_id`; empty: either.
    attendance: str = ""
    session_id: int | None = None


def _session(event: Event, audience: Audience) -> EventSession | None:
    return next((s for s in event.sessions if s.id == audience.session_id), None)


def recipients_query(event: Event, audience: Audience):
    """The registrations an audience picks, in registration order."""
    stmt = lists.registrants_query(
        event,
        lists.RegistrantFilters(mode=audience.mode, kim_id=audience.kim_id, region_id=audience.region_id),
    ).where(Registration.status.in_([s for s in audience.statuses if s in set(RegistrationStatus)]))
    session = _session(event, audience)
    if session is not None and audience.attendance in ("hadir", "belum"):
        present = exists(
            select(Attendance.id).where(
                Attendance.registration_id == Registration.id,
                Attendance.session_id == session.id,
                Attendance.status == AttendanceStatus.HADIR,
            )
        )
        stmt = stmt.where(present if audience.attendance == "hadir" else ~present)
    return stmt


@dataclass
class Reach:
    """Whom a broadcast reaches: the people picked, less those who stopped announcements on
    every contact they would get it on, and the contacts that stopped them."""

    reached: list[Registration]
    skipped: list[Registration]
    stopped: set[str]


def reach(event: Event, audience: Audience) -> Reach:
    people = list(db.session.scalars(recipients_query(event, audience)))
    stopped = outbox.opted_out([c for r in people for c in (r.phone, r.email) if c])
    reached: list[Registration] = []
    skipped: list[Registration] = []
    for person in people:
        contacts = {person.phone if c == Channel.WHATSAPP else person.email for c in person.channels}
        (skipped if contacts <= stopped else reached).append(person)
    return Reach(reached, skipped, stopped)


def fingerprint(audience: Audience, text: str) -> str:
    """What an organizer previewed (recipients and text), so that 'Kirim' sends exactly that."""
    picked = json.dumps([asdict(audience), text.strip()], sort_keys=True, default=str)
    return hashlib.sha256(picked.encode()).hexdigest()[:32]


def describe(event: Event, audience: Audience) -> str:
    """The audience in words: 'Terdaftar · Daring · belum hadir sesi 1'."""
    parts = [" / ".join(label(s, "registration_status") for s in audience.statuses)]
    if audience.mode:
        parts.append(label(audience.mode, "event_mode"))
    session = _session(event, audience)
    if session is not None and audience.attendance:
        number = event.sessions.index(session) + 1
        parts.append(
            _("hadir sesi %(n)d", n=number)
            if audience.attendance == "hadir"
            else _("belum hadir sesi %(n)d", n=number)
        )
    if audience.kim_id:
        parts.append(_("satu KIM"))
    if audience.region_id:
        parts.append(_("satu kabupaten/kota"))
    return " · ".join(parts)[:500]


def _check(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise ValidationFailed(
            _("Tulis pesannya."), "text_required", problems=[("text", _("Tulis pesannya."))]
        )
    if len(cleaned) > MAX_TEXT:
        message = _("Pesan paling panjang %(n)d huruf (sekarang %(m)d).", n=MAX_TEXT, m=len(cleaned))
        raise ValidationFailed(message, "text_too_long", problems=[("text", message)])
    return cleaned


def _texts(event: Event, registration: Registration, text: str) -> tuple[str, str, dict[str, str]]:
    """The mail's subject and body and the WhatsApp values for one person."""
    organizer = event.organization.name
    subject = _("Pesan dari %(org)s: %(title)s", org=organizer, title=event.title)
    contact = registration.email or registration.phone or ""
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            text,
            _("Halaman peserta Anda: %(url)s", url=messages.participant_url(registration)),
            f"— {organizer}",
            _("Tidak ingin menerima pengumuman lagi? %(url)s", url=opt_out_url(contact)),
        ]
    )
    values = {
        "nama": registration.name,
        "penyelenggara": organizer,
        "acara": event.title,
        "pesan": text,
        "tautan": messages.participant_url(registration),
        "berhenti": opt_out_url(registration.phone or contact),
    }
    return subject, body, values


def preview(event: Event, reached: list[Registration], text: str) -> tuple[Registration, str] | None:
    """The message as the first recipient will read it on WhatsApp (or None: nobody reached)."""
    cleaned = _check(text)
    if not reached:
        return None
    _subject, _body, values = _texts(event, reached[0], cleaned)
    template = catalogue.template("pesan_penyelenggara")
    return reached[0], template.render(template.fill(values))


def send(actor: User, event: Event, audience: Audience, text: str, send_key: str, now: datetime) -> Broadcast:
    """Write the message to everyone the audience reaches, on their channels, in one unit of
    work; contacts that stopped announcements are skipped. `send_key` comes from the preview:
    sending the same preview twice (a double click, a reload) writes it once."""
    require_manager(actor, event.organization_id)
    cleaned = _check(text)
    sent_before = db.session.scalar(select(Broadcast).where(Broadcast.send_key == send_key))
    if sent_before is not None:
        return sent_before
    picked = reach(event, audience)
    if not picked.reached:
        raise ValidationFailed(_("Tidak ada peserta yang cocok dengan pilihan penerima."), "nobody")
    broadcast = Broadcast(
        event_id=event.id,
        text=cleaned,
        audience=describe(event, audience),
        recipients=len(picked.reached),
        send_key=send_key,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(broadcast)
    db.session.flush()
    for registration in picked.reached:
        subject, body, values = _texts(event, registration, cleaned)
        messages.notify(
            event,
            registration,
            subject,
            body,
            "pesan_penyelenggara",
            values,
            broadcast_id=broadcast.id,
            except_contacts=picked.stopped,
        )
    commit()
    return broadcast


@dataclass
class BroadcastSummary:
    broadcast: Broadcast
    counts: dict[OutboxStatus, int]


def history(event: Event) -> list[BroadcastSummary]:
    """The event's broadcasts, newest first, with how many of their messages are in each state."""
    return summaries(
        list(
            db.session.scalars(
                select(Broadcast).where(Broadcast.event_id == event.id).order_by(Broadcast.id.desc())
            )
        )
    )


def summaries(broadcasts: list[Broadcast]) -> list[BroadcastSummary]:
    """Each broadcast with its messages counted by state, in one query."""
    counts: dict[int, dict[OutboxStatus, int]] = {b.id: {} for b in broadcasts}
    if broadcasts:
        rows = db.session.execute(
            select(RegistrationMessage.broadcast_id, OutboxMessage.status, func.count())
            .join(OutboxMessage, OutboxMessage.id == RegistrationMessage.message_id)
            .where(RegistrationMessage.broadcast_id.in_(counts))
            .group_by(RegistrationMessage.broadcast_id, OutboxMessage.status)
        )
        for broadcast_id, status, n in rows:
            if broadcast_id is not None:
                counts[broadcast_id][OutboxStatus(status)] = n
    return [BroadcastSummary(b, counts[b.id]) for b in broadcasts]


def deliveries(broadcast: Broadcast) -> list[tuple[Registration, OutboxMessage]]:
    """Every message of a broadcast with its recipient, failures first."""
    rows = db.session.execute(
        select(Registration, OutboxMessage)
        .join(RegistrationMessage, RegistrationMessage.registration_id == Registration.id)
        .join(OutboxMessage, OutboxMessage.id == RegistrationMessage.message_id)
        .where(RegistrationMessage.broadcast_id == broadcast.id)
        .order_by((OutboxMessage.status == OutboxStatus.FAILED).desc(), Registration.name, OutboxMessage.id)
    )
    return [(r, m) for r, m in rows]
