"""Anonymous public pages come from the page cache: rendered once for everyone, with each
visitor's own CSRF token and signed form time, answered 304 when unchanged, and fresh again
after PAGE_CACHE_SECONDS; signed-in people always get a fresh page."""

import re
import time
from collections import OrderedDict

import pytest
from flask import template_rendered
from sqlalchemy import func, select

from eventapp import pagecache
from eventapp.dbtypes import utcnow
from eventapp.events import services as events
from eventapp.registration.models import Registration
from tests.conftest import RequestIsolatingClient
from tests.factories import system_actor


def _visitor(app):
    """A browser of its own (its own cookies), each request in its own app context."""
    app.test_client_class = RequestIsolatingClient
    return app.test_client()


@pytest.fixture
def cached(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SECONDS", 5)
    monkeypatch.setattr(pagecache, "_entries", OrderedDict())
    rendered = []

    def count(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(count, app)
    yield rendered
    template_rendered.disconnect(count, app)


def _token(page: str, name: str) -> str:
    return re.search(rf'name="{name}" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_the_event_page_is_rendered_once_for_everyone_and_answered_304(app, cached, make_org, make_event):
    event = make_event(make_org(), title="Sosialisasi Literasi Digital")
    first, second = _visitor(app), _visitor(app)
    one = first.get(f"/acara/{event.slug}")
    two = second.get(f"/acara/{event.slug}")
    assert cached.count("events/public_detail.html") == 1
    assert one.headers["ETag"] == two.headers["ETag"] and "no-cache" in one.headers["Cache-Control"]
    assert _token(one.get_data(as_text=True), "csrf_token") != _token(
        two.get_data(as_text=True), "csrf_token"
    )
    assert pagecache.CSRF_MARK not in one.get_data(as_text=True)
    again = second.get(f"/acara/{event.slug}", headers={"If-None-Match": two.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = second.get(f"/acara/{event.slug}", headers={"If-Modified-Since": two.headers["Last-Modified"]})
    assert since.status_code == 304

    events.update_event(
        system_actor(), event, events.EventData.from_event(event, title="Sosialisasi Cek Fakta"), utcnow()
    )
    app.config["PAGE_CACHE_SECONDS"] = 0.2
    pagecache._entries.clear()
    first.get(f"/acara/{event.slug}")
    time.sleep(0.25)
    fresh = first.get(f"/acara/{event.slug}", headers={"If-None-Match": one.headers["ETag"]})
    assert fresh.status_code == 200 and "Sosialisasi Cek Fakta" in fresh.get_data(as_text=True)


def test_each_visitor_of_a_cached_form_registers_with_their_own_token(app, cached, make_org, make_event):
    event = make_event(make_org())
    url = f"/acara/{event.slug}/daftar"
    visitors = [_visitor(app) for _ in range(2)]
    pages = [v.get(url).get_data(as_text=True) for v in visitors]
    assert cached.count("registration/form.html") == 1
    assert _token(pages[0], "csrf_token") != _token(pages[1], "csrf_token")
    assert pagecache.SHOWN_MARK not in "".join(pages) and pagecache.CSRF_MARK not in "".join(pages)
    for n, (visitor, page) in enumerate(zip(visitors, pages, strict=True)):
        sent = visitor.post(
            url,
            data={
                "csrf_token": _token(page, "csrf_token"),
                "shown_at": _token(page, "shown_at"),
                "name": f"Warga {n}",
                "phone": f"0813555500{n:02d}",
                "gender": "P",
                "occupation": "petani",
                "kim_id": "-1",
                "institution": "Desa Camba",
                "consent": "y",
            },
        )
        assert sent.status_code == 302, sent.get_data(as_text=True)
    assert app.extensions["sqlalchemy"].session.scalar(select(func.count(Registration.id))) == 2


def test_signed_in_people_get_a_fresh_page(client, login, cached, make_org, make_user, make_event):
    org = make_org()
    event = make_event(org)
    login(make_user(org))
    client.get(f"/acara/{event.slug}")
    client.get(f"/acara/{event.slug}")
    assert cached.count("events/public_detail.html") == 2


def test_a_forged_host_header_does_not_reach_other_visitors(app, cached, make_org, make_event):
    event = make_event(make_org())
    forged = _visitor(app).get(f"/acara/{event.slug}", headers={"Host": "evil.example"})
    assert "evil.example" in forged.get_data(as_text=True)  # its own page links to the host it named
    honest = _visitor(app).get(f"/acara/{event.slug}")
    assert "evil.example" not in honest.get_data(as_text=True)
