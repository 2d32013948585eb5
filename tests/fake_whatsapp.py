"""Local stand-ins for the WhatsApp providers the app calls over HTTP, speaking their documented
contracts: Meta's Cloud API (Graph API /{phone-number-id}/messages and /media, its error
bodies, its signed status webhooks) and a generic gateway (one POST with number and text)."""

import hashlib
import hmac
import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from eventapp.outbox import catalogue

VERSION = "v23.0"


class _Server:
    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, payload = server.answer(self.path, self.headers, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def graph_error(code: int, message: str, details: str = "") -> dict:
    return {
        "error": {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or message},
            "fbtrace_id": "AbCdEf",
        }
    }


class CloudApi(_Server):
    """Meta's Cloud API for one business phone number. It accepts the catalogue's templates
    (as if approved) and checks each request the way Meta does: the bearer token, the
    product, the template's language and its named body values."""

    def __init__(self, phone_number_id: str = "106540352242922", token: str = "EAAG-token"):
        super().__init__()
        self.phone_number_id, self.token = phone_number_id, token
        self.messages: list[dict] = []  # accepted message requests, in order
        self.media: list[tuple[str, bytes]] = []
        self.approved = set(catalogue.TEMPLATES)
        self.down = 0  # answer the next n requests with 503
        self.rate_limited = 0  # answer the next n message requests with 130429

    def answer(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        with self.lock:
            if self.down:
                self.down -= 1
                return 503, graph_error(2, "Service temporarily unavailable")
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, graph_error(190, "Invalid OAuth access token - Cannot parse access token")
            if path == f"/{VERSION}/{self.phone_number_id}/media":
                return self._media(headers, body)
            if path != f"/{VERSION}/{self.phone_number_id}/messages":
                return 404, graph_error(100, "Unsupported post request")
            if self.rate_limited:
                self.rate_limited -= 1
                return 429, graph_error(130429, "Rate limit hit", "Throughput reached.")
            return self._message(json.loads(body))

    def _media(self, headers, body: bytes) -> tuple[int, dict]:
        head = f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode()
        form = BytesParser(policy=HTTP).parsebytes(head + body)
        parts = {p.get_param("name", header="content-disposition"): p for p in form.iter_parts()}
        if parts["messaging_product"].get_content().strip() != "whatsapp" or "file" not in parts:
            return 400, graph_error(100, "Invalid parameter")
        self.media.append((parts["file"].get_filename(), parts["file"].get_content()))
        return 200, {"id": f"media-{len(self.media)}"}

    def _message(self, request: dict) -> tuple[int, dict]:
        template = request.get("template") or {}
        if request.get("messaging_product") != "whatsapp" or request.get("type") != "template":
            return 400, graph_error(100, "Invalid parameter")
        if not str(request.get("to", "")).isdigit():
            return 400, graph_error(131009, "Parameter value is not valid", "to must be digits")
        name = template.get("name")
        if name not in self.approved or (template.get("language") or {}).get("code") != "id":
            return 404, graph_error(132001, "Template name does not exist in the translation", f"{name} (id)")
        components = template.get("components", [])
        body = next(c for c in components if c["type"] == "body")
        if catalogue.template(name).category == catalogue.AUTHENTICATION:
            # Meta's words with one numbered value, the code, repeated for the copy-code button.
            button = next((c for c in components if c["type"] == "button"), {})
            code = [p.get("text") for p in body["parameters"]]
            copy_button = (button.get("sub_type"), button.get("index")) == ("url", "0")
            if len(code) != 1 or len(code[0] or "") > 15 or not copy_button:
                return 400, graph_error(132000, "Parameter count mismatch")
            if [p.get("text") for p in button.get("parameters", [])] != code:
                return 400, graph_error(131008, "Required parameter is missing", "button: code")
        elif [p.get("parameter_name") for p in body["parameters"]] != list(
            catalogue.template(name).names
        ) or any("\n" in p["text"] or not p["text"] for p in body["parameters"]):
            return 400, graph_error(132000, "Parameter count mismatch")
        self.messages.append(request)
        wamid = f"wamid.HBgM{len(self.messages):06d}"
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": request["to"], "wa_id": request["to"]}],
            "messages": [{"id": wamid}],
        }

    def sent_to(self, phone: str) -> list[str]:
        """The templates sent to one number (E.164)."""
        return [m["template"]["name"] for m in self.messages if m["to"] == phone.lstrip("+")]

    @staticmethod
    def values(request: dict) -> dict[str, str]:
        body = next(c for c in request["template"]["components"] if c["type"] == "body")
        return {p["parameter_name"]: p["text"] for p in body["parameters"]}


def status_webhook(
    wamid: str, status: str, recipient: str, timestamp: int, error_code: int | None = None
) -> bytes:
    """A status notification as Meta posts it to the webhook."""
    item = {"id": wamid, "status": status, "timestamp": str(timestamp), "recipient_id": recipient.lstrip("+")}
    if error_code is not None:
        item["errors"] = [
            {
                "code": error_code,
                "title": "Message undeliverable",
                "message": "Message undeliverable",
                "error_data": {"details": "Message Undeliverable."},
            }
        ]
    return _webhook({"statuses": [item]})


def text_webhook(sender: str, text: str, timestamp: int) -> bytes:
    """An incoming text message as Meta posts it."""
    message = {
        "from": sender.lstrip("+"),
        "id": "wamid.IN1",
        "timestamp": str(timestamp),
        "type": "text",
        "text": {"body": text},
    }
    return _webhook(
        {"contacts": [{"profile": {"name": "Peserta"}, "wa_id": sender.lstrip("+")}], "messages": [message]}
    )


def _webhook(value: dict) -> bytes:
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "6281152001234",
                                "phone_number_id": "106540352242922",
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }
    return json.dumps(payload).encode()


def sign(app_secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class Gateway(_Server):
    """A generic gateway of the kind Pemda run: POST {target, message} with a token header; it
    answers 200 with {"status": false, "reason": …} when it refuses."""

    def __init__(self, token: str = "gw-secret"):
        super().__init__()
        self.token = token
        self.requests: list[dict] = []
        self.refuse_reason = ""

    def answer(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        with self.lock:
            if headers.get("X-Api-Key") != self.token:
                return 401, {"status": False, "reason": "invalid token"}
            if self.refuse_reason:
                return 200, {"status": False, "reason": self.refuse_reason}
            self.requests.append(json.loads(body))
            return 200, {"status": True, "id": f"gw-{len(self.requests)}"}
