"""The one way to turn HTML into PDF: WeasyPrint, reading nothing but local files and data: URLs."""

import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher


class LocalFetcher(URLFetcher):
    """Fetches `file:` URLs inside the given folders and `data:` URLs; refuses everything else,
    so text typed by users can never make the renderer reach the network or read other files."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"file outside the allowed folders: {url}")
        return super().fetch(url, headers)


def static_dir() -> Path:
    """The app's static files (fonts for documents), the second root every document reads."""
    return Path(current_app.root_path) / "static"


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's font configuration, kept from one document to the next. WeasyPrint makes a
    new one per document unless given one, and what each loads into fontconfig stays in memory
    after the document is done: a job worker grew by about 3 KB with every certificate it made
    (1.5 MB per 500), so its memory depended on how many it had made, not on the job."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def render_pdf(html: str, roots: list[Path]) -> bytes:
    """Render `html` (whose images and fonts live under `roots`) to PDF bytes."""
    base_url = roots[0].as_uri() + "/" if roots else None
    document = HTML(string=html, base_url=base_url, url_fetcher=LocalFetcher(roots))
    return document.write_pdf(font_config=_font_config())
