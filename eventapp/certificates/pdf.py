"""Certificate PDFs: one page per certificate from the pdf/certificate.html layout, the QR
code drawn as vector squares, and bulk files built in two layers (what a role shares, laid out
once; what is personal, a chunk at a time) so that thousands cost little time and memory."""

import io
import shutil
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import segno
from flask import render_template
from pikepdf import Array, Dictionary, Name, Object, ObjectStreamMode, Page, Pdf, Stream, String

from eventapp.certificates.models import (
    BACKGROUNDS,
    DEFAULT_WORDING,
    Certificate,
    CertificateSettings,
    HolderRole,
)
from eventapp.edges import public_url
from eventapp.events.models import Event
from eventapp.i18n import format_day, format_days
from eventapp.pdf import render_pdf, static_dir
from eventapp.pdfwriter import PdfWriter

CHUNK = 100  # certificates laid out per WeasyPrint document in bulk jobs
# Where the QR code goes, in mm from the top-left corner of the A4 landscape page; the template
# leaves this square empty and the code is drawn into it after layout.
QR_SLOT = {"left": 253, "top": 164, "size": 26}
QR_QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
QR_LINK_BELOW_MM = 4  # the link also covers the short code printed under the QR
PT_PER_MM = 72 / 25.4


def verify_url(certificate: Certificate) -> str:
    return public_url("certificates_public.verify", code=certificate.code)


def event_dates(event: Event) -> str:
    """'15–16 Desember 2026' on the certificate and its verification page."""
    first, last = event.local_days
    return format_days(first, last, "id")


def _page_context(certificate, settings: CertificateSettings) -> dict:
    words = settings.wording.get(certificate.role) or DEFAULT_WORDING[HolderRole(certificate.role)]
    return {"certificate": certificate, "words": words}


def _html(
    certificates: Iterable, settings: CertificateSettings, event: Event, upload_dir: Path, layer: str = "all"
) -> str:
    org = event.organization
    logo = upload_dir / "logos" / org.logo_filename if org.logo_filename else None
    background = (
        upload_dir / BACKGROUNDS / settings.background_filename if settings.background_filename else None
    )
    return render_template(
        "pdf/certificate.html",
        pages=[_page_context(c, settings) for c in certificates],
        layer=layer,
        event=event,
        settings=settings,
        organization=org,
        # The office's own name as its kop surat gives it: government, then the dinas in full.
        kop=org.letterhead_lines[:2] or [org.name],
        dates=event_dates(event),
        place="Daring" if event.mode == "daring" else event.venue_name,
        # "Sampit, 16 Desember 2026": where the office signs, on the event's last day.
        signed=", ".join(filter(None, [org.city, format_day(event.local_days[1], "id")])),
        logo_url=logo.as_uri() if logo and logo.exists() else None,
        background_url=background.as_uri() if background and background.exists() else None,
        fonts_url=(static_dir() / "fonts").as_uri(),
        signature_url=lambda name: (upload_dir / "signatures" / name).as_uri() if name else None,
        qr_slot=QR_SLOT,
    )


def _laid_out(html: str, upload_dir: Path) -> Pdf:
    return Pdf.open(io.BytesIO(render_pdf(html, [upload_dir, static_dir()])))


def _draw_qr(pdf: Pdf, page: Page, certificate) -> None:
    """Draw the certificate's QR code into the slot the template leaves empty, as one filled path
    of dark squares (four modules of quiet zone around them), and make the code and the short
    code under it a link to the verification page. Vector squares print sharp at any size, and
    drawing them here costs far less than laying out an image and a link with WeasyPrint.

    The squares go straight into the page's content, after the page's own drawing (wrapped so its
    graphics state cannot leak): no resource is added, because WeasyPrint gives all pages of a
    document one shared resource dictionary."""
    url = verify_url(certificate)
    qr = segno.make_qr(url, error="m")
    side = len(qr.matrix) + 2 * QR_QUIET_ZONE
    squares = []
    for row, modules in enumerate(qr.matrix):
        y = side - QR_QUIET_ZONE - row - 1
        x = QR_QUIET_ZONE
        for dark, run in groupby(modules):
            width = len(list(run))
            if dark:
                squares.append(f"{x} {y} {width} 1 re")
            x += width
    top = float(page.mediabox[3]) - QR_SLOT["top"] * PT_PER_MM
    left = QR_SLOT["left"] * PT_PER_MM
    size = QR_SLOT["size"] * PT_PER_MM
    module = size / side
    page.contents_add(Stream(pdf, b"q\n"), prepend=True)
    placed = f"Q\nq {module:.5f} 0 0 {module:.5f} {left:.3f} {top - size:.3f} cm 0 g\n"
    page.contents_add(Stream(pdf, (placed + "\n".join(squares) + "\nf\nQ\n").encode()))
    link = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Link,
        Rect=[left, top - size - QR_LINK_BELOW_MM * PT_PER_MM, left + size, top],
        Border=[0, 0, 0],
        A=Dictionary(S=Name.URI, URI=String(url)),
    )
    page.Annots = pdf.make_indirect(Array([*page.get("/Annots", []), pdf.make_indirect(link)]))


def _underlay(pdf: Pdf, page: Page, role: str, shared: Object) -> None:
    """Draw the role's shared layer (a form of the same page size) beneath the page's content.
    It is named after the role, so pages sharing one resource dictionary add one entry per role,
    and the page's own content stream is left as it is (not read or rewritten)."""
    name = Name(f"/Shared-{role}")
    if Name.XObject not in page.resources:
        page.resources.XObject = Dictionary()
    page.resources.XObject[name] = shared
    page.contents_add(Stream(pdf, f"q\n{name} Do\nQ\n".encode()), prepend=True)


def _save(pdf: Pdf, target) -> None:
    """Write with object streams (PDF 1.5): smaller files, and quicker to write."""
    pdf.save(target, object_stream_mode=ObjectStreamMode.generate)


def _saved(pdf: Pdf) -> bytes:
    buffer = io.BytesIO()
    _save(pdf, buffer)
    return buffer.getvalue()


def render(certificates: list, settings: CertificateSettings, upload_dir: Path) -> bytes:
    """One PDF with a page per certificate (a single certificate, or a preview)."""
    pdf = _laid_out(_html(certificates, settings, settings.event, upload_dir), upload_dir)
    for certificate, page in zip(certificates, pdf.pages, strict=True):
        _draw_qr(pdf, page, certificate)
    return _saved(pdf)


@dataclass
class Sample:
    """Stand-in data for the preview and for the shared layer of bulk downloads."""

    role: str
    holder_name: str = "Siti Rahmah, S.Pd."
    number: str = ""
    code: str = "CONTOH1234"
    revoked_at: None = None


def _chunks(
    certificates: list, settings: CertificateSettings, upload_dir: Path, progress
) -> Iterator[tuple[dict[str, Object], Pdf, list]]:
    """Bulk pages in two layers. The parts every certificate of a role shares (frame, logo,
    title, wording, event, signatories) are laid out once per role; the personal parts (name,
    number, code) CHUNK certificates at a time, so memory stays bounded by the chunk. Laying out
    is what costs WeasyPrint most, so each certificate lays out only what is its own.

    Yields, chunk by chunk: each role's shared layer as a form, a document with the chunk's
    personal layers (a page per certificate), and the chunk's certificates. The caller puts the
    layers together with `_underlay` and `_draw_qr`. Progress is reported after each chunk."""
    event = settings.event
    roles = sorted({c.role for c in certificates})
    shared = _laid_out(
        _html([Sample(role=r) for r in roles], settings, event, upload_dir, "static"), upload_dir
    )
    backgrounds = {role: page.as_form_xobject() for role, page in zip(roles, shared.pages, strict=True)}
    for start in range(0, len(certificates), CHUNK):
        chunk = certificates[start : start + CHUNK]
        yield backgrounds, _laid_out(_html(chunk, settings, event, upload_dir, "variable"), upload_dir), chunk
        progress(start + len(chunk))


def write_zip(
    certificates: list, settings: CertificateSettings, upload_dir: Path, target: Path, progress
) -> None:
    """A ZIP with one PDF per certificate, named by number order and holder. The entries are
    stored, not deflated: their streams are compressed already, and deflating them again costs
    about 0.5 ms per certificate to save 5 % of the size."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for backgrounds, personal, chunk in _chunks(certificates, settings, upload_dir, progress):
            for own, certificate in zip(personal.pages, chunk, strict=True):
                single = Pdf.new()
                single.pages.append(own)
                page = single.pages[0]
                _underlay(single, page, certificate.role, single.copy_foreign(backgrounds[certificate.role]))
                _draw_qr(single, page, certificate)
                name = "".join(ch if ch.isalnum() else "-" for ch in certificate.holder_name)[:60]
                archive.writestr(f"{certificate.seq:04d}-{name}.pdf", _saved(single))


def write_pdf(
    certificates: list, settings: CertificateSettings, upload_dir: Path, target: Path, progress
) -> None:
    """One multi-page PDF of all certificates, written to the file chunk by chunk (see
    `PdfWriter`), so memory does not grow with the count. Each role's shared layer is written
    once, first; the pages of every chunk refer to it through a stand-in in their document."""
    with target.open("wb") as out:
        writer = PdfWriter(out)
        written: dict[str, int] = {}
        for backgrounds, personal, chunk in _chunks(certificates, settings, upload_dir, progress):
            if not written:
                written = dict(zip(backgrounds, writer.add_objects(backgrounds.values()), strict=True))
            stand_ins = {role: personal.make_indirect(Dictionary()) for role in {c.role for c in chunk}}
            for page, certificate in zip(personal.pages, chunk, strict=True):
                _underlay(personal, page, certificate.role, stand_ins[certificate.role])
                _draw_qr(personal, page, certificate)
            writer.add_pages(
                personal.pages, {stand_in.objgen: written[role] for role, stand_in in stand_ins.items()}
            )
        writer.close()


def join_zip(parts: list[Path], target: Path, progress) -> None:
    """One ZIP of the parts' ZIPs, their entries in order. Entries are stored, not deflated, so
    joining copies bytes and compresses nothing again. Progress is reported after each part."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as joined:
        for count, path in enumerate(parts, 1):
            with zipfile.ZipFile(path) as part:
                for entry in part.infolist():
                    with part.open(entry) as source, joined.open(entry, "w") as copy:
                        shutil.copyfileobj(source, copy, 1 << 20)
            progress(count)


def join_pdf(parts: list[Path], target: Path, progress) -> None:
    """One PDF of the parts' PDFs (each written by `write_pdf`), their pages in order, written
    part by part so memory is bounded by a part. Each part laid out its own copy of every
    role's shared layer; the first copy is written and the pages of every part draw that one."""
    with target.open("wb") as out:
        writer = PdfWriter(out)
        shared: dict[str, int] = {}
        for count, path in enumerate(parts, 1):
            with Pdf.open(path) as part:
                known = {}
                for page in part.pages:
                    for name, layer in page.resources.get(Name.XObject, Dictionary()).items():
                        if name.startswith("/Shared-"):
                            if name not in shared:
                                shared[name] = writer.add_objects([layer])[0]
                            known[layer.objgen] = shared[name]
                writer.add_pages(part.pages, known)
            progress(count)
        writer.close()
