"""What participants are told, through the outbox by e-mail and WhatsApp (each person on the
channels they chose), and as WhatsApp share text."""

from collections.abc import Callable, Collection
from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from flask_babel import gettext as _

from eventapp import ics
from eventapp.edges import public_url
from eventapp.events.models import Event, EventMode, EventSession
from eventapp.extensions import db
from eventapp.i18n import format_datetime, format_span
from eventapp.outbox.models import Channel, OutboxMessage
from eventapp.outbox.services import queue_email, queue_whatsapp
from eventapp.phones import mask_contact
from eventapp.registration.models import Registration, RegistrationMessage, RegistrationStatus


def participant_url(registration: Registration) -> str:
    return public_url("registration.participant", token=registration.token)


def session_spans(event: Event) -> list[str]:
    """Each session's day and hours in the event's zone, with its title."""
    return [
        format_span(s.starts_at, s.ends_at, event.timezone, "id") + (f" ({s.title})" if s.title else "")
        for s in event.sessions
    ]


def schedule_lines(event: Event) -> list[str]:
    return [f"- {span}" for span in session_spans(event)]


def place_lines(event: Event, registration: Registration) -> list[str]:
    """Where to go; the online link only for confirmed participants."""
    if registration.attendance_mode == EventMode.LURING:
        lines = [_("Tempat: %(venue)s", venue=event.venue_name)]
        if event.venue_address:
            lines.append(event.venue_address)
        if event.map_url:
            lines.append(_("Peta: %(url)s", url=event.map_url))
        return lines
    if not registration.gets_meeting_link:
        return [_("Daring: tautan dikirim setelah pendaftaran Anda terkonfirmasi.")]
    lines = [_("Tautan daring: %(url)s", url=event.online_url)]
    if event.online_passcode:
        lines.append(_("Kode sandi: %(code)s", code=event.online_passcode))
    return lines


def summary_text(event: Event, registration: Registration, position: int | None) -> str:
    """The registration in a few lines: used in e-mails and in the WhatsApp share text."""
    if registration.status == RegistrationStatus.CONFIRMED:
        status = _("Terdaftar")
    elif registration.status == RegistrationStatus.WAITLISTED:
        status = _("Daftar tunggu, urutan ke-%(n)d", n=position or 0)
    else:
        status = _("Dibatalkan")
    lines = [
        event.title,
        _("Nama: %(name)s", name=registration.name),
        _("Kode pendaftaran: %(code)s", code=registration.code),
        _("Status: %(status)s", status=status),
        _("Jadwal:"),
        *schedule_lines(event),
        *place_lines(event, registration),
        _("Halaman peserta: %(url)s", url=participant_url(registration)),
    ]
    return "\n".join(lines)


def _base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _links(event: Event, registration: Registration) -> ics.Links:
    return ics.Links(
        event_url=public_url("public_events.detail", slug=event.slug),
        participant_url=participant_url(registration),
    )


def _sender() -> str:
    return parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]


def invite(event: Event, registration: Registration, now: datetime, method: str = "REQUEST") -> bytes:
    """A confirmed participant's calendar file, stamped `now`: the mailed invite (REQUEST), or
    the one they download from their page (PUBLISH)."""
    links = _links(event, registration)
    return ics.personal(event, registration, _base_url(), _sender(), now, links, method)


def _cancellation(
    event: Event, registration: Registration, now: datetime, bump: int, sessions=None
) -> tuple[str, bytes]:
    return "CANCEL", ics.cancel(
        event, registration, _base_url(), _sender(), now, _links(event, registration), bump, sessions
    )


def whatsapp_values(event: Event, registration: Registration) -> dict[str, str]:
    """The values most WhatsApp templates share, each on one line."""
    return {
        "nama": registration.name,
        "acara": event.title,
        "kode": registration.code,
        "jadwal": "; ".join(session_spans(event)),
        "tempat": " · ".join(place_lines(event, registration)),
        "tautan": participant_url(registration),
    }


def notify(
    event: Event,
    registration: Registration,
    subject: str,
    body: str,
    template: str,
    values: dict[str, str],
    calendar: Callable[[], tuple[str, bytes]] | None = None,
    document: tuple[str, bytes] | None = None,
    broadcast_id: int | None = None,
    except_contacts: Collection[str] = (),
) -> list[OutboxMessage]:
    """Queue one message to a registrant on each of their channels: the e-mail (`subject`,
    `body`, the calendar part built by `calendar` only when an e-mail goes, the document
    attached) and the WhatsApp template with its `values` (the document as its header). Each is
    linked to the registration, so the organizer sees on its row what reached them. Nothing
    goes to `except_contacts` (those who stopped announcements)."""
    queued = []
    channels = registration.channels
    if Channel.EMAIL in channels and registration.email and registration.email not in except_contacts:
        queued.append(
            queue_email(registration.email, subject, body, calendar() if calendar else None, document)
        )
    if Channel.WHATSAPP in channels and registration.phone and registration.phone not in except_contacts:
        queued.append(
            queue_whatsapp(registration.phone, event.organization_id, template, values, subject, document)
        )
    for message in queued:
        db.session.add(
            RegistrationMessage(registration_id=registration.id, message=message, broadcast_id=broadcast_id)
        )
    return queued


def masked_contact(registration: Registration) -> str:
    """Where `link_again` writes (the phone on WhatsApp, else the e-mail), masked so that its
    owner recognises it and nobody else learns it: '08•• •••• 7890', 's•••@example.org'."""
    if Channel.WHATSAPP not in registration.channels and registration.email:
        return mask_contact(registration.email)
    return mask_contact(registration.phone or "")


def link_again(event: Event, registration: Registration) -> list[OutboxMessage]:
    """Someone typed this registration's phone or e-mail on the form again: its owner gets
    the link to their page, to the contact on file (never shown to whoever typed it)."""
    subject = _("Tautan pendaftaran Anda: %(title)s", title=event.title)
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            _(
                "Nomor atau e-mail Anda dipakai lagi untuk mendaftar ke %(title)s. Anda sudah terdaftar; "
                "berikut tautan halaman pendaftaran Anda. Jika bukan Anda yang mengisi formulir, abaikan "
                "pesan ini.",
                title=event.title,
            ),
            participant_url(registration),
        ]
    )
    values = {"nama": registration.name, "acara": event.title, "tautan": participant_url(registration)}
    return notify(event, registration, subject, body, "tautan_pendaftaran", values)


def registered(
    event: Event, registration: Registration, position: Callable[[], int | None], now: datetime
) -> list[OutboxMessage]:
    """The confirmation or waiting-list message."""
    waiting = registration.status == RegistrationStatus.WAITLISTED
    place = position() if waiting else None
    if waiting:
        subject = _("Daftar tunggu: %(title)s", title=event.title)
        intro = _(
            "Kursi sudah penuh, Anda masuk daftar tunggu. Jika ada peserta yang batal, Anda otomatis "
            "mendapat tempat dan kami beri tahu."
        )
    else:
        subject = _("Pendaftaran diterima: %(title)s", title=event.title)
        intro = _("Pendaftaran Anda diterima. Simpan kode pendaftaran untuk presensi.")
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            intro,
            summary_text(event, registration, place),
            _("Tidak jadi hadir? Batalkan di halaman peserta agar kursi dapat dipakai orang lain."),
        ]
    )
    values = whatsapp_values(event, registration)
    if waiting:
        return notify(
            event, registration, subject, body, "daftar_tunggu", {**values, "urutan": str(place or 0)}
        )
    return notify(
        event,
        registration,
        subject,
        body,
        "pendaftaran_diterima",
        values,
        lambda: ("REQUEST", invite(event, registration, now)),
    )


def promoted(event: Event, registration: Registration, now: datetime) -> list[OutboxMessage]:
    subject = _("Anda mendapat tempat: %(title)s", title=event.title)
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            _("Ada kursi yang kosong, dan Anda kini terdaftar sebagai peserta."),
            summary_text(event, registration, None),
        ]
    )
    return notify(
        event,
        registration,
        subject,
        body,
        "dapat_tempat",
        whatsapp_values(event, registration),
        lambda: ("REQUEST", invite(event, registration, now)),
    )


def cancelled(
    event: Event, registration: Registration, had_invite: bool, now: datetime
) -> list[OutboxMessage]:
    """Told to a participant who cancelled (or was cancelled); their calendar entry is removed."""
    subject = _("Pendaftaran dibatalkan: %(title)s", title=event.title)
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            _(
                "Pendaftaran Anda (kode %(code)s) untuk %(title)s sudah dibatalkan.",
                code=registration.code,
                title=event.title,
            ),
        ]
    )
    values = {"nama": registration.name, "kode": registration.code, "acara": event.title}
    calendar = (lambda: _cancellation(event, registration, now, 1)) if had_invite else None
    return notify(event, registration, subject, body, "pendaftaran_batal", values, calendar)


def event_cancelled(event: Event, registration: Registration, now: datetime) -> list[OutboxMessage]:
    subject = _("Acara dibatalkan: %(title)s", title=event.title)
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            _("Dengan menyesal kami sampaikan bahwa %(title)s dibatalkan.", title=event.title),
            _("Alasan: %(reason)s", reason=event.cancel_reason),
            _("Mohon maaf atas ketidaknyamanan ini."),
        ]
    )
    # The event's stored SEQUENCE was raised with the cancellation, so no further bump here.
    had_invite = registration.status == RegistrationStatus.CONFIRMED
    calendar = (lambda: _cancellation(event, registration, now, 0)) if had_invite else None
    values = {"nama": registration.name, "acara": event.title, "alasan": event.cancel_reason}
    return notify(event, registration, subject, body, "acara_dibatalkan", values, calendar)


def event_updated(event: Event, registration: Registration, now: datetime) -> list[OutboxMessage]:
    """The new time, place or link, with the updated invite that replaces the old entry."""
    subject = _("Perubahan acara: %(title)s", title=event.title)
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            _(
                "Waktu, tempat atau tautan acara berubah. Berikut keterangan terbaru; "
                "kalender Anda ikut diperbarui."
            ),
            summary_text(event, registration, None),
        ]
    )
    return notify(
        event,
        registration,
        subject,
        body,
        "perubahan_acara",
        whatsapp_values(event, registration),
        lambda: ("REQUEST", invite(event, registration, now)),
    )


def session_removed(
    event: Event, session: EventSession, registration: Registration, now: datetime
) -> list[OutboxMessage]:
    """A session was taken off the programme: its calendar entry is cancelled."""
    subject = _("Sesi dibatalkan: %(title)s", title=event.title)
    body = "\n\n".join(
        [
            _("Halo %(name)s,", name=registration.name),
            _(
                "Sesi %(when)s ditiadakan. Jadwal yang berlaku:",
                when=format_datetime(session.starts_at, event.timezone, "id"),
            ),
            *schedule_lines(event),
        ]
    )
    values = {
        **whatsapp_values(event, registration),
        "sesi": format_datetime(session.starts_at, event.timezone, "id"),
    }
    return notify(
        event,
        registration,
        subject,
        body,
        "sesi_ditiadakan",
        values,
        lambda: _cancellation(event, registration, now, 1, [session]),
    )
