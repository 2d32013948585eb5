"""Registrations of participants, and personal invitations to invitation-only events."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp import labels
from eventapp.dbtypes import EnumText, UTCDateTime, utcnow
from eventapp.events.models import EventMode
from eventapp.extensions import Model
from eventapp.outbox.models import Channel

if TYPE_CHECKING:
    from eventapp.events.models import Event
    from eventapp.kim.models import Kim, KimMember
    from eventapp.outbox.models import OutboxMessage
    from eventapp.regions.models import Region


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class RegistrationSource(enum.StrEnum):
    ONLINE = "online"  # the public form
    GROUP = "group"  # a KIM chair registering members
    INVITATION = "invitation"  # a personal invitation link
    MANUAL = "manual"  # added by an organizer


SOURCE_LABELS = {
    RegistrationSource.ONLINE: _l("Formulir daring"),
    RegistrationSource.GROUP: _l("Ketua KIM"),
    RegistrationSource.INVITATION: _l("Undangan"),
    RegistrationSource.MANUAL: _l("Panitia"),
}


class NotifyBy(enum.StrEnum):
    """The channel a participant chose for messages; where they gave no such contact, the one
    they gave is used (see Registration.channels)."""

    WHATSAPP = "whatsapp"
    EMAIL = "email"
    BOTH = "both"


NOTIFY_LABELS = {
    NotifyBy.WHATSAPP: _l("WhatsApp"),
    NotifyBy.EMAIL: _l("E-mail"),
    NotifyBy.BOTH: _l("WhatsApp dan e-mail"),
}

STATUS_LABELS: dict[str, LazyString] = {
    RegistrationStatus.CONFIRMED: _l("Terdaftar"),
    RegistrationStatus.WAITLISTED: _l("Daftar tunggu"),
    RegistrationStatus.CANCELLED: _l("Dibatalkan"),
}


class Registration(Model):
    __tablename__ = "registrations"
    __table_args__ = (
        UniqueConstraint("event_id", "phone", name="uq_registrations_event_id_phone"),
        UniqueConstraint("event_id", "email", name="uq_registrations_event_id_email"),
        UniqueConstraint("event_id", "queue_number", name="uq_registrations_event_id_queue_number"),
        CheckConstraint("status IN ('confirmed', 'waitlisted', 'cancelled')", name="status_known"),
        CheckConstraint("attendance_mode IN ('luring', 'daring')", name="attendance_mode_known"),
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_contact"),
        CheckConstraint("notify_by IN ('whatsapp', 'email', 'both')", name="notify_by_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    # Short code read aloud at the door and typed at /presensi, e.g. KT7-M4Q9.
    code: Mapped[str] = mapped_column(String(8), unique=True)
    # Secret of the participant's own page /p/<token>.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    notify_by: Mapped[NotifyBy] = mapped_column(
        EnumText(NotifyBy, 10), default=NotifyBy.WHATSAPP, server_default=NotifyBy.WHATSAPP
    )
    gender: Mapped[str] = mapped_column(String(1))
    occupation: Mapped[str] = mapped_column(String(30))
    kim_id: Mapped[int | None] = mapped_column(ForeignKey("kims.id", ondelete="SET NULL"), index=True)
    # For people outside KIM: their office, school or organisation.
    institution: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(150), default="")
    # Kabupaten/kota the participant comes from, for recaps.
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id", ondelete="SET NULL"), index=True)
    attendance_mode: Mapped[str] = mapped_column(String(10))
    status: Mapped[RegistrationStatus] = mapped_column(EnumText(RegistrationStatus, 12), index=True)
    source: Mapped[str] = mapped_column(String(12), default=RegistrationSource.ONLINE)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Place in the event's queue, handed out under the event lock when a seat or a waiting-list
    # place is decided: the waiting list is served in this order.
    queue_number: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A name the participant asked to have printed on the certificate instead, until an
    # organizer approves (or replaces) it.
    requested_name: Mapped[str | None] = mapped_column(String(150))

    event: Mapped["Event"] = relationship()
    kim: Mapped["Kim | None"] = relationship()
    region: Mapped["Region | None"] = relationship()

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    @property
    def gets_meeting_link(self) -> bool:
        """The meeting link and passcode are for confirmed participants who attend online."""
        return self.is_confirmed and self.attendance_mode == EventMode.DARING and bool(self.event.online_url)

    @property
    def channels(self) -> set[Channel]:
        """Where this participant's messages go: the channels they chose that they gave a
        contact for, or else whichever contact they gave."""
        have = {Channel.WHATSAPP} if self.phone else set()
        if self.email:
            have.add(Channel.EMAIL)
        wanted = {
            NotifyBy.WHATSAPP: {Channel.WHATSAPP},
            NotifyBy.EMAIL: {Channel.EMAIL},
            NotifyBy.BOTH: {Channel.WHATSAPP, Channel.EMAIL},
        }[self.notify_by or NotifyBy.WHATSAPP]
        return (wanted & have) or have

    def __repr__(self) -> str:
        return f"<Registration {self.code} {self.status}>"


class RegistrationMessage(Model):
    """A message sent to a registrant (from the outbox), so organizers see on the registrant's
    row what reached them; `broadcast_id` when it was part of an organizer's broadcast
    (eventapp.broadcasts)."""

    __tablename__ = "registration_messages"

    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), primary_key=True
    )
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True
    )

    message: Mapped["OutboxMessage"] = relationship()


class Invitation(Model):
    __tablename__ = "invitations"
    __table_args__ = (UniqueConstraint("event_id", "member_id", name="uq_invitations_event_id_member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("kim_members.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(150))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    # Secret of the personal link /undangan/<token>.
    token: Mapped[str] = mapped_column(String(43), unique=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The invitee's answer when they cannot come ("izin") and why; coming is a registration.
    excused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    excuse: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The invitation message sent to the invitee (WhatsApp, or e-mail without a phone).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    event: Mapped["Event"] = relationship()
    member: Mapped["KimMember | None"] = relationship()
    registration: Mapped["Registration | None"] = relationship()
    message: Mapped["OutboxMessage | None"] = relationship()

    @property
    def awaits_sending(self) -> bool:
        """Not sent yet, and there is a phone or an e-mail to send it to."""
        return self.message_id is None and bool(self.phone or self.email)


labels.register(registration_status=STATUS_LABELS, registration_source=SOURCE_LABELS, notify_by=NOTIFY_LABELS)
