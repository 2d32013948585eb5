"""What a phone downloads besides the page: one fingerprinted stylesheet kept for a year and
sent compressed, a script only where needed, the icon inside the page, and pages compressed."""

import gzip
import re

import brotli


def test_a_first_visit_is_the_page_and_one_stylesheet_sent_compressed(client, make_org, make_event):
    event = make_event(make_org())
    page = client.get(f"/acara/{event.slug}").get_data(as_text=True)
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert len(stylesheets) == 1 and "<script" not in page  # the event page needs no script
    assert re.search(r'<link rel="icon" href="data:image/svg\+xml;base64,', page)
    plain = client.get(stylesheets[0], headers={"Accept-Encoding": "identity"})
    assert b"--pico-font-family" in plain.data and b".badge" in plain.data
    assert (
        "immutable" in plain.headers["Cache-Control"] and "max-age=31536000" in plain.headers["Cache-Control"]
    )
    for encoding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        sent = client.get(stylesheets[0], headers={"Accept-Encoding": encoding})
        assert sent.headers["Content-Encoding"] == encoding and decode(sent.data) == plain.data
        assert len(sent.data) < len(plain.data) / 5
    assert client.get(stylesheets[0].replace("gaya-", "gaya-0")).status_code == 404


def test_scripts_are_fingerprinted_and_pages_compressed(client, make_org, make_event):
    event = make_event(make_org())
    form = client.get(f"/acara/{event.slug}/daftar", headers={"Accept-Encoding": "br"})
    assert form.headers["Content-Encoding"] == "br"
    script = re.search(r'<script src="([^"]+)"', brotli.decompress(form.data).decode()).group(1)
    assert "?v=" in script
    cache = client.get(script).headers["Cache-Control"]
    assert "immutable" in cache and "no-cache" not in cache
