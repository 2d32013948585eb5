"""Malformed submissions to every public form and the main organizer forms: long, NUL,
unicode and right-to-left text, huge and negative numbers, impossible dates, missing and
repeated fields, wrong content types and files. Nothing may answer with a server error.

The generator is seeded, so a failure names a submission that can be replayed.
"""

import io
import json
import random
from collections import Counter
from html.parser import HTMLParser

import pytest

from eventapp.accounts.models import Role
from eventapp.dbtypes import utcnow
from eventapp.extensions import limiter
from eventapp.registration import invitations
from eventapp.registration import services as registration
from tests.conftest import RequestIsolatingClient, form_tokens
from tests.factories import PASSWORD, registrant

pytestmark = pytest.mark.slow

SUBMISSIONS_PER_FORM = 34

PAYLOADS = [
    "",
    " ",
    "\r\n",
    "a" * 20_000,
    "\x00",
    "ab\x00cd",
    "\u202eKIM\u202c \u200f\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "😀" * 300,
    "ｆｕｌｌｗｉｄｔｈ",
    "9" * 40,
    "-" + "9" * 25,
    "-1",
    "0",
    "2147483648",
    "1e309",
    "NaN",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "2026-13-01T25:61",
    "25:99",
    "' OR '1'='1' --",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "{seq:99999999999d}",
    "{seq.__class__.__mro__}",
    "%s%s%n%x",
    "x\r\nBcc: semua@contoh.id",
    '=HYPERLINK("http://x")',
    "../../../etc/passwd",
    "http://" + "a" * 3000 + ".id",
    "0812-5100-0001",
    "siti@example.org",
    "y",
    "on",
]

FILES = [
    (b"", "kosong.csv"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "rusak.png"),
    (b"PK\x03\x04" + bytes(range(256)) * 8, "rusak.xlsx"),
    ("nama,durasi\n" + "x,9" * 5000 + "\n\x00\r", "laporan.csv"),
    (b"%PDF-1.4\n%%EOF", "poster.jpg"),
]


class _FormValues(HTMLParser):
    """The values a browser would send for the page's fields as shown: what edit forms are
    filled with, the first option of each select and radio group, ticked checkboxes."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        name = attr.get("name")
        if tag == "input" and name and attr.get("type") not in ("submit", "file"):
            self.values.setdefault(name, attr.get("value") or ("y" if attr.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attr.get("value"):
            if "selected" in attr or not self.values.get(self._select):
                self.values[self._select] = attr["value"]
        elif tag == "textarea" and name:
            self._textarea, self.values[name] = name, ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _form_values(page: str) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(page)
    return {k: v for k, v in parser.values.items() if k not in {"csrf_token", "shown_at", "next", "lang"}}


def _submission(rng: random.Random, shown: dict[str, str], tokens: dict) -> dict:
    """Keyword arguments for client.post: one malformed submission of a form. Half keep what
    the page shows and spoil one to three fields, so that they get past the other validators
    into the services; the rest spoil everything."""
    data: dict = {} if rng.random() < 0.05 else dict(tokens)  # sometimes no CSRF token at all
    names = sorted(shown)
    if rng.random() < 0.5:
        data.update(shown)
        names = rng.sample(names, min(len(names), rng.randint(1, 3)))
    for name in names:
        roll = rng.random()
        if roll < 0.15:
            data.pop(name, None)  # a missing field
        elif roll < 0.25:
            data[name] = [rng.choice(PAYLOADS) for _ in range(rng.randint(2, 4))]  # repeated
        else:
            data[name] = rng.choice(PAYLOADS)
    kind = rng.random()
    if kind < 0.10:
        return {"data": json.dumps(data), "content_type": "application/json"}
    if kind < 0.15:
        return {"data": rng.choice(PAYLOADS).encode("utf-8", "surrogatepass"), "content_type": "text/plain"}
    if kind < 0.30:
        content, filename = rng.choice(FILES)
        content = content.encode() if isinstance(content, str) else content
        target = rng.choice([*sorted(shown), "file", "poster", "logo"])
        data[target] = (io.BytesIO(content), filename)
        return {"data": data, "content_type": "multipart/form-data"}
    return {"data": data}


@pytest.fixture
def world(make_org, make_user, make_event, make_kim):
    """An office with an organizer, an admin, a hybrid event with a registrant and an
    invitation, a KIM with a member, and a second user to edit."""
    org = make_org()
    organizer = make_user(org, email="panitia@kotim.example")
    admin = make_user(None, role=Role.ADMIN, email="admin@kalteng.example")
    other_user = make_user(org, email="lain@kotim.example")
    event = make_event(org, mode="hibrida", online_url="https://zoom.us/j/1", online_capacity=50)
    rakor = make_event(org, kind="rakor", audience="undangan")
    kim = make_kim(org, members=2)
    token = registration.register(event, registrant(attendance_mode="daring"), utcnow()).registration.token
    invitation = invitations.invite_person(organizer, rakor, "Pak Camat", "081377770099", "")
    return {
        "org": org,
        "organizer": organizer,
        "admin": admin,
        "other_user": other_user,
        "event": event,
        "kim": kim,
        "token": token,
        "invitation": invitation.token,
    }


def _public_forms(w) -> list[str]:
    slug = w["event"].slug
    return [
        f"/acara/{slug}/daftar",
        f"/acara/{slug}/daftar-kelompok",
        f"/undangan/{w['invitation']}",
        f"/p/{w['token']}/batal",
        "/presensi",
        "/sertifikat",
        "/kelola/masuk",
        "/kelola/lupa-sandi",
        "/kelola/sandi/bukan-token",
    ]


def _organizer_forms(w) -> list[str]:
    event_id, kim_id = w["event"].id, w["kim"].id
    session_id = w["event"].sessions[0].id
    member_id = w["kim"].members[0].id
    base = f"/kelola/acara/{event_id}"
    return [
        "/kelola/acara/baru?jenis=webinar",
        f"{base}/ubah",
        f"{base}/sesi/baru",
        f"{base}/sesi/{session_id}",
        f"{base}/duplikat",
        f"{base}/peserta/baru",
        f"{base}/undangan",
        f"{base}/presensi",
        f"{base}/presensi/walkin",
        f"{base}/presensi/kode",
        f"{base}/presensi/laporan-rapat",
        f"{base}/sertifikat/",
        "/kelola/kim/baru",
        f"/kelola/kim/{kim_id}/ubah",
        f"/kelola/kim/{kim_id}/anggota/baru",
        f"/kelola/kim/{kim_id}/anggota/{member_id}",
        "/kelola/kim/impor",
        f"/kelola/organisasi/{w['org'].id}",
    ]


def _admin_forms(w) -> list[str]:
    return ["/kelola/pengguna/baru", f"/kelola/pengguna/{w['other_user'].id}", "/kelola/organisasi/baru"]


def _posts_to(form_url: str, w) -> list[str]:
    """Forms on the page post to the page itself; the desk and matrix pages have others too."""
    base = f"/kelola/acara/{w['event'].id}/presensi"
    if form_url == base:
        return [base, f"{base}/cocokkan", f"{base}/tandai"]
    return [form_url]


def test_malformed_submissions_never_cause_a_server_error(app, world):
    rng = random.Random(f"eventapp-fuzz-{app.config['BACKEND']}")
    statuses: Counter = Counter()
    limiter.enabled = False  # the limits are tested elsewhere; here every submission must land
    try:
        for role_user, forms in (
            (None, _public_forms(world)),
            (world["organizer"], _organizer_forms(world)),
            (world["admin"], _admin_forms(world)),
        ):
            client = RequestIsolatingClient(app, app.response_class, use_cookies=True)
            if role_user is not None:
                tokens = form_tokens(client, "/kelola/masuk")
                client.post("/kelola/masuk", data={**tokens, "email": role_user.email, "password": PASSWORD})
            for form_url in forms:
                page = client.get(form_url)
                assert page.status_code < 500, form_url
                shown = _form_values(page.get_data(as_text=True))
                tokens = form_tokens(client, form_url)
                for n in range(SUBMISSIONS_PER_FORM):
                    target = _posts_to(form_url, world)[n % len(_posts_to(form_url, world))]
                    response = client.post(target, **_submission(rng, shown, tokens))
                    statuses[response.status_code] += 1
                    assert response.status_code < 500, (target, n)
            for query in ("page", "q", "kabupaten", "status", "jenis", "moda", "kim", "sesi"):
                for _ in range(3):
                    value = rng.choice(PAYLOADS).replace("\x00", "%00")
                    url = rng.choice(["/acara", "/kelola/acara/", "/kelola/kim/", forms[0].split("?")[0]])
                    response = client.get(url, query_string={query: value})
                    statuses[response.status_code] += 1
                    assert response.status_code < 500, (url, query, value)
    finally:
        limiter.enabled = True
    total = sum(statuses.values())
    assert total >= 1000
    print(
        f"\n{app.config['BACKEND']}: {total} malformed submissions, statuses {dict(sorted(statuses.items()))}"
    )
