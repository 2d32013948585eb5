"""What a phone downloads the first time it opens an event page and its registration form.

    .venv/bin/python bench/first_load.py

Serves a new database with one published event through gunicorn (as in production; the app
compresses), opens /acara/<slug> and then /acara/<slug>/daftar in headless Chromium at
360 × 740 with an empty cache, and counts every request and the bytes that came over the
wire (headers and compressed bodies). Then opens both again to show what a repeat visit costs
(the stylesheet and script are kept for a year; the page itself answers 304 while unchanged).
Targets: at most 3 requests and 20 KB per page on a first visit.
"""

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from journey import SETUP_EVENTS, python
from registration_throughput import gunicorn, wait_for
from throwaway import migrated_env

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def visit(page, url: str) -> list[tuple[str, int, int]]:
    """(path, status, bytes on the wire) of every request the page makes."""
    seen: list = []

    def finished(request) -> None:
        seen.append(request)

    page.on("requestfinished", finished)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", finished)
    rows = []
    for request in seen:
        sizes = request.sizes()
        response = request.response()
        status = response.status if response else 0
        wire = sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0)
        rows.append((request.url.split("//", 1)[1].split("/", 1)[1][:60], status, wire))
    return rows


def main() -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        env = migrated_env("sqlite", Path(folder))
        fresh, _big = python(SETUP_EVENTS, env, "0").split()[-2:]
        process, port = gunicorn("wsgi:app", env, 2)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{base}/acara/{fresh}")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for path in (f"/acara/{fresh}", f"/acara/{fresh}/daftar"):
                    # A phone that has never been here, then the same phone coming back.
                    page = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
                    for visit_name in ("first visit", "repeat visit"):
                        rows = visit(page, f"{base}{path}")
                        total = sum(wire for _path, _status, wire in rows)
                        summary = f"{len(rows)} requests, {total / 1024:.1f} KB"
                        print(f"\n{visit_name}: /{path.lstrip('/')}  {summary}")
                        for name, status, wire in rows:
                            print(f"  {status:>3} {wire / 1024:>6.1f} KB  /{name}")
                browser.close()
        finally:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
