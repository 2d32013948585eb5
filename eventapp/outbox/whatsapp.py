"""Sending WhatsApp messages through an office's provider, and reading what the provider
reports back. Three ways out:

- the WhatsApp Cloud API (Meta's Graph API): template messages, the PDF as a document header,
  signed status webhooks;
- a generic HTTP gateway, as many Pemda run: one authenticated POST with number and text;
- files in WHATSAPP_FILE_PATH, for development, where an office has set up nothing.
"""

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import httpx
from flask import current_app
from flask_babel import gettext as _
from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from eventapp import secretbox
from eventapp.outbox.catalogue import AUTHENTICATION, LANGUAGE, Template
from eventapp.outbox.models import OutboxStatus, WhatsAppAccount, WhatsAppProvider

log = logging.getLogger(__name__)

# One connection pool for every provider call in a worker process: a broadcast's messages
# reuse the same TLS connection instead of opening one each.
_http = httpx.Client()


class SendFailed(Exception):
    """The provider did not take the message: why, in words for organizers, and whether
    trying again later can help."""

    def __init__(self, reason: str, temporary: bool):
        super().__init__(reason)
        self.reason = reason
        self.temporary = temporary


@dataclass(frozen=True)
class Outgoing:
    """One WhatsApp message as a provider needs it."""

    to: str  # E.164, '+6281234567890'
    template: Template
    values: dict[str, str]
    text: str  # the template filled in, for providers that take plain text
    document: tuple[str, bytes] | None = None


class Provider(Protocol):
    def send(self, message: Outgoing) -> str:
        """Hand the message over; the provider's id for it. Raises SendFailed."""
        ...


class FileProvider:
    """Development: each message becomes a text file (and its PDF) in a folder."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: Outgoing) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        name = f"{stamp}-{message.to.lstrip('+')}"
        lines = [f"Kepada: {message.to}", f"Templat: {message.template.name}"]
        if message.document:
            (self.folder / f"{name}.pdf").write_bytes(message.document[1])
            lines.append(f"Lampiran: {message.document[0]} ({name}.pdf)")
        (self.folder / f"{name}.txt").write_text(
            "\n".join(lines) + "\n\n" + message.text + "\n", encoding="utf-8"
        )
        return f"file:{name}"


# Meta's error codes (Cloud API "error.code"), in words an organizer can act on, and whether
# trying again later can help.
CLOUD_API_ERRORS: dict[int, tuple[str, bool]] = {
    131026: ("Nomor ini tidak terdaftar di WhatsApp atau aplikasinya perlu diperbarui.", False),
    131047: ("Di luar jendela 24 jam: pesan harus memakai templat yang disetujui.", False),
    131049: ("WhatsApp menahan pesan ini untuk menjaga mutu layanan; akan dicoba lagi nanti.", True),
    131050: ("Penerima memilih berhenti menerima pesan dari nomor kantor ini.", False),
    131051: ("Jenis pesan ini tidak didukung.", False),
    131052: ("Lampiran tidak dapat diunduh oleh WhatsApp.", True),
    131053: ("Lampiran tidak dapat diunggah ke WhatsApp.", True),
    132000: ("Jumlah isian templat tidak sesuai dengan templat yang disetujui Meta.", False),
    132001: ("Templat belum disetujui Meta atau belum ada dalam bahasa Indonesia.", False),
    132005: ("Teks templat terlalu panjang setelah diisi.", False),
    132007: ("Isi templat melanggar kebijakan WhatsApp.", False),
    132012: ("Isian templat tidak sesuai formatnya.", False),
    132015: ("Templat dijeda Meta karena mutunya rendah.", False),
    132016: ("Templat dinonaktifkan Meta.", False),
    130429: ("Batas kecepatan kirim WhatsApp tercapai; dicoba lagi nanti.", True),
    131048: ("Nomor kantor dibatasi karena banyak pesan ditandai spam; dicoba lagi nanti.", True),
    131056: ("Terlalu banyak pesan ke nomor yang sama dalam waktu singkat; dicoba lagi nanti.", True),
    80007: ("Batas kecepatan akun WhatsApp Business tercapai; dicoba lagi nanti.", True),
    131042: ("Ada masalah pembayaran pada akun WhatsApp Business kantor.", True),
    131031: ("Akun WhatsApp Business kantor dikunci oleh Meta.", True),
    368: ("Akun WhatsApp Business kantor diblokir sementara karena pelanggaran kebijakan.", True),
    190: ("Token akses WhatsApp kedaluwarsa atau dicabut: perbarui di pengaturan organisasi.", True),
    0: ("Token akses WhatsApp tidak dapat diautentikasi: perbarui di pengaturan organisasi.", True),
    10: ("Token akses WhatsApp tidak punya izin mengirim pesan.", True),
    100: ("Permintaan ke WhatsApp tidak valid (parameter salah).", False),
    131008: ("Isian wajib pesan tidak ada.", False),
    131009: ("Isian pesan tidak valid.", False),
    131021: ("Penerima sama dengan nomor pengirim.", False),
    1: ("Layanan WhatsApp sedang bermasalah; dicoba lagi nanti.", True),
    2: ("Layanan WhatsApp sedang sibuk atau tidak tersedia; dicoba lagi nanti.", True),
    131000: ("Terjadi kesalahan di layanan WhatsApp; dicoba lagi nanti.", True),
    131016: ("Layanan WhatsApp sedang kelebihan beban; dicoba lagi nanti.", True),
}


def cloud_api_reason(code: int | None, detail: str) -> tuple[str, bool]:
    """An error code from Meta in Indonesian (with Meta's own words after it)."""
    known = CLOUD_API_ERRORS.get(code) if code is not None else None
    if known is None:
        return _("WhatsApp menolak pesan (kode %(code)s: %(d)s)", code=code, d=detail), True
    reason, temporary = known
    return f"{reason} ({code}: {detail})"[:1500], temporary


def _answer(response: httpx.Response) -> dict:
    """A provider's JSON answer as a dict; anything else (an HTML error page) as empty."""
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def _transport_failure(exc: httpx.HTTPError, who: str) -> SendFailed:
    return SendFailed(
        _("%(who)s tidak dapat dihubungi (%(d)s)", who=who, d=f"{type(exc).__name__}: {exc}"[:500]), True
    )


class CloudApi:
    """Meta's WhatsApp Cloud API: POST /{phone-number-id}/messages with a template."""

    def __init__(self, account: WhatsAppAccount, base_url: str, timeout: float):
        self.account = account
        self.base_url = base_url.rstrip("/")
        self.headers = {"Authorization": f"Bearer {secretbox.unseal(account.access_token_sealed)}"}
        self.timeout = timeout

    def _post(self, path: str, **kwargs) -> dict:
        url = f"{self.base_url}/{self.account.phone_number_id}/{path}"
        try:
            response = _http.post(url, headers=self.headers, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as exc:
            raise _transport_failure(exc, "WhatsApp Cloud API") from exc
        payload = _answer(response)
        if response.is_success:
            return payload
        error = payload.get("error") or {}
        detail = (error.get("error_data") or {}).get("details") or error.get("message") or response.text[:300]
        reason, temporary = cloud_api_reason(error.get("code"), detail)
        # A 5xx or a 429 is the service's trouble, whatever the code says.
        raise SendFailed(reason, temporary or response.status_code >= 500 or response.status_code == 429)

    def _upload(self, name: str, content: bytes) -> str:
        """Put the PDF in WhatsApp's media store; the id the message refers to."""
        payload = self._post(
            "media",
            data={"messaging_product": "whatsapp", "type": "application/pdf"},
            files={"file": (name, content, "application/pdf")},
        )
        return payload["id"]

    def send(self, message: Outgoing) -> str:
        components: list[dict] = []
        if message.document:
            name, content = message.document
            media_id = self._upload(name, content)
            components.append(
                {
                    "type": "header",
                    "parameters": [{"type": "document", "document": {"id": media_id, "filename": name}}],
                }
            )
        if message.template.category == AUTHENTICATION:
            # The code is the body's one (numbered) value and the copy-code button's value.
            code = {"type": "text", "text": message.values["kode"]}
            components += [
                {"type": "body", "parameters": [code]},
                {"type": "button", "sub_type": "url", "index": "0", "parameters": [code]},
            ]
        else:
            components.append(
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "parameter_name": name, "text": message.values[name]}
                        for name in message.template.names
                    ],
                }
            )
        payload = self._post(
            "messages",
            json={
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": message.to.lstrip("+"),
                "type": "template",
                "template": {
                    "name": message.template.name,
                    "language": {"code": LANGUAGE},
                    "components": components,
                },
            },
        )
        return payload["messages"][0]["id"]


class Gateway:
    """A generic gateway: one POST with the number and the text, a token in a header. Gateways
    of this kind (Fonnte, Wablas, a Pemda's own) answer 200 with {"status": false, "reason": …}
    when they refuse, so that is read as a failure too."""

    def __init__(self, account: WhatsAppAccount, timeout: float):
        self.account = account
        self.timeout = timeout

    def send(self, message: Outgoing) -> str:
        account = self.account
        headers = {}
        token = secretbox.unseal(account.gateway_token_sealed)
        if token:
            headers[account.gateway_token_header] = token
        body = {account.gateway_phone_field: message.to.lstrip("+"), account.gateway_text_field: message.text}
        try:
            response = _http.post(account.gateway_url, json=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise _transport_failure(exc, _("Gateway WhatsApp")) from exc
        payload = _answer(response)
        refused = payload.get("status") is False or payload.get("success") is False
        if response.is_success and not refused:
            return str(payload.get("id") or payload.get("message_id") or "")[:128]
        # Only the gateway's own words or the HTTP status: the address is typed by an office,
        # so whatever else answers there is never echoed back to the settings page.
        detail = str(payload.get("reason") or payload.get("message") or f"HTTP {response.status_code}")[:300]
        if response.status_code in (401, 403):
            raise SendFailed(_("Gateway WhatsApp menolak token (%(d)s)", d=detail), True)
        # A refusal in a 200 answer is mostly the gateway's own state (its phone offline, a quota).
        temporary = refused or response.status_code >= 500 or response.status_code == 429
        raise SendFailed(_("Gateway WhatsApp menolak pesan (%(d)s)", d=detail), temporary)


class Unconfigured:
    """An office without a WhatsApp number (and no development folder): messages wait, so
    that they leave once the office sets one up, and the organizer sees why."""

    def send(self, message: Outgoing) -> str:
        raise SendFailed(
            _("Kantor penyelenggara belum mengatur WhatsApp (Organisasi › WhatsApp); pesan menunggu."), True
        )


def provider_for(account: WhatsAppAccount | None) -> Provider:
    config = current_app.config
    if account is None:
        folder = config.get("WHATSAPP_FILE_PATH")
        return FileProvider(Path(folder)) if folder else Unconfigured()
    if account.provider == WhatsAppProvider.CLOUD_API:
        return CloudApi(account, config["WHATSAPP_CLOUD_API_BASE"], config["WHATSAPP_TIMEOUT"])
    return Gateway(account, config["WHATSAPP_TIMEOUT"])


def written_messages(folder: Path, limit: int = 100) -> list[str]:
    """The newest messages FileProvider wrote, for the developer's page."""
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"), reverse=True)[:limit]]


class Pacer:
    """Keeps each number under its messages-per-second limit. Each worker process spaces its
    own sends evenly at the rate, and every send also takes a place in a one-second moving
    window kept in the rate-limit storage, so all workers together (Redis in production: every
    process on every machine) never send more than the rate in any second."""

    def __init__(self, storage_uri: str) -> None:
        self._shared = MovingWindowRateLimiter(storage_from_string(storage_uri, wrap_exceptions=True))
        self._next_at: dict[int, float] = {}

    def wait(self, key: int, per_second: int) -> None:
        per_second = max(per_second, 1)
        now = time.monotonic()
        at = max(now, self._next_at.get(key, now))
        if at > now:
            time.sleep(at - now)
        self._next_at[key] = at + 1 / per_second
        rate = RateLimitItemPerSecond(per_second)
        try:
            while not self._shared.hit(rate, "whatsapp", str(key)):
                free_at = self._shared.get_window_stats(rate, "whatsapp", str(key)).reset_time
                time.sleep(min(max(free_at - time.time(), 0.001), 1.0))
        except StorageError as error:
            # Paced by this process alone, several workers may go over the rate together until
            # the storage is back (Meta's 130429 answers are retried); not sending would be worse.
            log.warning("WhatsApp pacing falls back to this process: %s", error)


# --- What the Cloud API reports back ---------------------------------------------------------


def signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """Meta signs each webhook POST: X-Hub-Signature-256 = 'sha256=' + HMAC-SHA256(app secret, raw body)."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


@dataclass(frozen=True)
class StatusReport:
    provider_message_id: str
    status: OutboxStatus
    at: datetime
    reason: str = ""
    temporary: bool = False  # a failure that may pass (Meta held the message back for now)


@dataclass(frozen=True)
class Inbound:
    sender: str  # E.164
    text: str


_STATUSES = {
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.READ,
    "failed": OutboxStatus.FAILED,
}


def parse_webhook(body: bytes) -> tuple[list[StatusReport], list[Inbound]]:
    """The status reports and the incoming texts in one webhook delivery; anything else in it
    (other fields, unknown statuses) is ignored."""
    payload = json.loads(body)
    reports: list[StatusReport] = []
    inbound: list[Inbound] = []
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for item in value.get("statuses") or []:
                status = _STATUSES.get(item.get("status"))
                if status is None or not item.get("id"):
                    continue
                at = datetime.fromtimestamp(int(item.get("timestamp") or 0), UTC)
                reason, temporary = "", False
                if status == OutboxStatus.FAILED:
                    error = (item.get("errors") or [{}])[0]
                    detail = (error.get("error_data") or {}).get("details") or error.get("title") or ""
                    reason, temporary = cloud_api_reason(error.get("code"), detail)
                reports.append(StatusReport(item["id"], status, at, reason, temporary))
            for item in value.get("messages") or []:
                if item.get("type") == "text" and item.get("from"):
                    inbound.append(
                        Inbound("+" + item["from"].lstrip("+"), (item.get("text") or {}).get("body", ""))
                    )
    return reports, inbound
