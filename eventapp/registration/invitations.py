"""Personal invitations: who is invited (KIM members, chairs, single people), the invitees'
links, and their answer when they cannot come (izin)."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventapp.accounts.access import require_manager, scoped
from eventapp.accounts.models import User
from eventapp.audit.services import record_for_event
from eventapp.edges import public_url
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.kim.models import Gender, Kim, KimMember, Position
from eventapp.outbox.jobs import commit
from eventapp.outbox.services import queue_email, queue_whatsapp
from eventapp.registration import messages
from eventapp.registration.models import (
    Invitation,
    RegistrationStatus,
)
from eventapp.registration.services import RegistrantData, clean_registrant, new_token


def invited_per_kim(event: Event) -> dict[int, int]:
    """How many members of each KIM hold an invitation to the event."""
    rows = db.session.execute(
        select(KimMember.kim_id, func.count(Invitation.id))
        .join(Invitation, Invitation.member_id == KimMember.id)
        .where(Invitation.event_id == event.id)
        .group_by(KimMember.kim_id)
    )
    return dict(rows.all())


def invite_kims(actor: User, event: Event, kim_ids: list[int], chairs_only: bool) -> int:
    """Create personal invitations for the members of the chosen active KIM that the actor's
    office guides (only their chairs, for a chairs' rakor); members invited already are kept.
    Returns how many were added."""
    require_manager(actor, event.organization_id)
    members = scoped(Kim, actor, select(KimMember).join(Kim, Kim.id == KimMember.kim_id)).where(
        KimMember.kim_id.in_(kim_ids),
        Kim.active.is_(True),
        KimMember.id.not_in(
            select(Invitation.member_id).where(
                Invitation.event_id == event.id, Invitation.member_id.is_not(None)
            )
        ),
    )
    if chairs_only:
        members = members.where(KimMember.position == Position.KETUA)
    added = 0
    for member in db.session.scalars(members):
        db.session.add(
            Invitation(
                event_id=event.id,
                member_id=member.id,
                name=member.name,
                phone=member.phone,
                email=member.email,
                token=new_token(),
            )
        )
        added += 1
    record_for_event(actor, event, "invitation", event.id, "added", {"count": added})
    db.session.commit()
    return added


def invite_person(actor: User, event: Event, name: str, phone: str, email: str) -> Invitation:
    """Invite someone outside the registry (an official, a speaker's colleague)."""
    require_manager(actor, event.organization_id)
    values = clean_registrant(
        event,
        RegistrantData(
            name=name,
            phone=phone,
            email=email,
            gender=Gender.LAKI_LAKI,
            institution="-",
            kim_id=None,
            attendance_mode=event.modes[0],
        ),
        require_consent=False,
    )
    invitation = Invitation(
        event_id=event.id,
        name=values["name"],
        phone=values["phone"],
        email=values["email"],
        token=new_token(),
    )
    db.session.add(invitation)
    db.session.flush()
    record_for_event(actor, event, "invitation", invitation.id, "added", {"name": invitation.name})
    db.session.commit()
    return invitation


def excuse_invitation(invitation: Invitation, reason: str, now: datetime) -> Invitation:
    """An invitee answers 'izin': they cannot come, and say why. Answering again replaces the
    reason; registering later (coming after all) stays possible."""
    if invitation.registration is not None and invitation.registration.status != RegistrationStatus.CANCELLED:
        raise DomainError(
            _("Anda sudah terdaftar hadir. Batalkan dulu pendaftaran Anda di halaman peserta."),
            "already_coming",
        )
    if not reason.strip():
        raise ValidationFailed(_("Tuliskan alasan Anda tidak dapat hadir."), "reason_required")
    invitation.excused_at, invitation.excuse = now, reason.strip()
    db.session.commit()
    return invitation


def send_invitations(actor: User, event: Event, now: datetime) -> int:
    """Send each invitee not yet sent one their invitation with its 'hadir' and 'izin' links:
    on WhatsApp when they have a phone, else by e-mail. One unit of work; returns how many."""
    require_manager(actor, event.organization_id)
    unsent = [
        invitation
        for invitation in db.session.scalars(
            select(Invitation).where(Invitation.event_id == event.id, Invitation.message_id.is_(None))
        )
        if invitation.awaits_sending
    ]
    for invitation in unsent:
        link = public_url("registration.invitation", token=invitation.token)
        subject = _("Undangan: %(title)s", title=event.title)
        if invitation.phone:
            values = {
                "nama": invitation.name,
                "acara": event.title,
                "jadwal": "; ".join(messages.session_spans(event)),
                "tempat": _("Tempat: %(venue)s", venue=event.venue_name) if event.has_hall else _("Daring"),
                "hadir": link,
                "izin": f"{link}#izin",
            }
            invitation.message = queue_whatsapp(
                invitation.phone, event.organization_id, "undangan", values, subject
            )
        elif invitation.email:
            body = "\n\n".join(
                [
                    _("Yth. %(name)s,", name=invitation.name),
                    _("Anda diundang ke %(title)s.", title=event.title),
                    _("Jadwal:"),
                    "\n".join(messages.schedule_lines(event)),
                    _("Konfirmasi kehadiran Anda: %(url)s", url=link),
                    _("Berhalangan hadir? Sampaikan izin dan alasannya: %(url)s", url=f"{link}#izin"),
                ]
            )
            invitation.message = queue_email(invitation.email, subject, body)
    record_for_event(actor, event, "invitation", event.id, "sent", {"count": len(unsent)})
    commit()
    return len(unsent)


def find_invitation(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token == token))


def event_invitations(event: Event) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.event_id == event.id)
            .options(
                selectinload(Invitation.registration),
                selectinload(Invitation.message),
                selectinload(Invitation.member).selectinload(KimMember.kim),
            )
            .order_by(Invitation.name)
        )
    )
