"""Messages waiting to leave: written with the change that caused them, sent by a job."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventapp import labels
from eventapp.dbtypes import EnumText, UTCDateTime, utcnow
from eventapp.extensions import Model
from eventapp.phones import display_phone


class Channel(enum.StrEnum):
    EMAIL = "email"
    WHATSAPP = "whatsapp"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # antre: written, not yet accepted by the server or provider
    SENT = "sent"  # terkirim: accepted by the SMTP server or the WhatsApp provider
    DELIVERED = "delivered"  # diterima: on the recipient's phone (WhatsApp reports it)
    READ = "read"  # dibaca: opened (WhatsApp, when the recipient shares read receipts)
    FAILED = "failed"  # gagal: given up; last_error says why; an admin may send it again

    @property
    def rank(self) -> int:
        """How far a message has come; a late or repeated status report never moves it back."""
        return _RANKS[self]


_RANKS = {
    OutboxStatus.PENDING: 0,
    OutboxStatus.FAILED: 0,
    OutboxStatus.SENT: 1,
    OutboxStatus.DELIVERED: 2,
    OutboxStatus.READ: 3,
}
LEFT = (OutboxStatus.SENT, OutboxStatus.DELIVERED, OutboxStatus.READ)

STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Antre"),
    OutboxStatus.SENT: _l("Terkirim"),
    OutboxStatus.DELIVERED: _l("Diterima"),
    OutboxStatus.READ: _l("Dibaca"),
    OutboxStatus.FAILED: _l("Gagal"),
}
CHANNEL_LABELS = {Channel.EMAIL: _l("E-mail"), Channel.WHATSAPP: _l("WhatsApp")}


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'delivered', 'read', 'failed')", name="status_known"),
        CheckConstraint("channel IN ('email', 'whatsapp')", name="channel_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Channel] = mapped_column(
        EnumText(Channel, 10), default=Channel.EMAIL, server_default="email"
    )
    # An e-mail address, or a phone number in E.164 for WhatsApp.
    recipient: Mapped[str] = mapped_column(String(254))
    # The e-mail subject; for WhatsApp, the same one-line summary shown to organizers.
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # WhatsApp: the office whose number sends it, the catalogue template and its named values.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    template: Mapped[str | None] = mapped_column(String(60))
    template_params: Mapped[dict | None] = mapped_column(JSON)
    # The provider's id of the sent message (Cloud API "wamid…"), which its status reports name.
    provider_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # An iCalendar part sent inline as text/calendar with this METHOD (REQUEST, CANCEL).
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    calendar_ics: Mapped[str | None] = mapped_column(Text)
    # One file sent along (a certificate PDF).
    attachment_name: Mapped[str | None] = mapped_column(String(120))
    attachment_content: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[OutboxStatus] = mapped_column(
        EnumText(OutboxStatus, 10), default=OutboxStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    # Why the last attempt failed, in words an organizer understands, then the technical detail.
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the sweep may try again (None: at once); grows with each failure.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # After this a temporary failure is final (set on creation and when an admin requeues).
    give_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the latest status report (delivered, read, failed) arrived from the provider.
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_whatsapp(self) -> bool:
        return self.channel == Channel.WHATSAPP

    @property
    def addressee(self) -> str:
        """Who it goes to, as organizers read it: 'WhatsApp 0812-3456-7890' or the e-mail address."""
        return f"WhatsApp {display_phone(self.recipient)}" if self.is_whatsapp else self.recipient

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.channel} {self.status} to {self.recipient}>"


class WhatsAppProvider(enum.StrEnum):
    CLOUD_API = "cloud_api"  # Meta's WhatsApp Cloud API (Graph API)
    GATEWAY = "gateway"  # a local HTTP gateway: one authenticated POST with number and text


PROVIDER_LABELS = {
    WhatsAppProvider.CLOUD_API: _l("WhatsApp Cloud API (Meta)"),
    WhatsAppProvider.GATEWAY: _l("Gateway HTTP (misalnya gateway Pemda)"),
}


class WhatsAppAccount(Model):
    """An office's own WhatsApp number and how to send through it. Secrets are stored sealed
    (eventapp.secretbox) and never shown again once saved."""

    __tablename__ = "whatsapp_accounts"
    __table_args__ = (CheckConstraint("provider IN ('cloud_api', 'gateway')", name="provider_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    provider: Mapped[WhatsAppProvider] = mapped_column(EnumText(WhatsAppProvider, 12))
    # The number people see, as the office writes it (for the settings page only).
    display_number: Mapped[str] = mapped_column(String(30), default="")
    # Cloud API: the phone number id, the access token and the app secret that signs webhooks.
    phone_number_id: Mapped[str] = mapped_column(String(40), default="")
    access_token_sealed: Mapped[str] = mapped_column(Text, default="")
    app_secret_sealed: Mapped[str] = mapped_column(Text, default="")
    # What Meta must send back when it checks the webhook address (GET hub.verify_token).
    verify_token: Mapped[str] = mapped_column(String(43))
    # Gateway: where to POST, which header carries the token, and the names of the fields.
    gateway_url: Mapped[str] = mapped_column(String(300), default="")
    gateway_token_header: Mapped[str] = mapped_column(String(60), default="Authorization")
    gateway_token_sealed: Mapped[str] = mapped_column(Text, default="")
    gateway_phone_field: Mapped[str] = mapped_column(String(40), default="phone")
    gateway_text_field: Mapped[str] = mapped_column(String(40), default="message")
    # Messages per second this number may send (Cloud API allows 80 by default; gateways less).
    max_per_second: Mapped[int] = mapped_column(default=10)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OptOut(Model):
    """A contact that asked for no more announcements (broadcasts); messages about their own
    registration still reach them."""

    __tablename__ = "outbox_opt_outs"

    contact: Mapped[str] = mapped_column(String(254), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


labels.register(outbox_status=STATUS_LABELS, channel=CHANNEL_LABELS, whatsapp_provider=PROVIDER_LABELS)
