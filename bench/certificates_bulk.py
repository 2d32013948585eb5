"""Bulk certificate rendering: ms per certificate for the ZIP and the single multi-page PDF,
against naive rendering and against the floor, plus peak memory at 100 and 1,000. The office has
a two-line kop and a city, and the event a full-page background image, as offices set them up.

    .venv/bin/python bench/certificates_bulk.py [--count 1000] [--naive-sample 60]

- naive: a fresh WeasyPrint document per certificate, nothing reused, as the app renders one
  certificate for its holder (timed on a sample);
- floor: a one-page document with the same fonts and no content;
- bulk: the app's own writers (shared layer laid out once per role, personal layers 100 at a
  time, QR codes drawn as vector squares; each ZIP entry saved by pikepdf, the one PDF written
  to its file chunk by chunk).
Peak memory is the maximum resident size of a separate process that builds the bulk file; it is
also read once two chunks are done, to show that the chunks after them add nothing.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import confirmed_registrations, fresh_app, published_event, use_folder

ROOT = Path(__file__).resolve().parent.parent


def setup(workdir: Path, count: int):
    """Return (app, event_id) with `count` issued certificates in a fresh SQLite database."""
    app, _folder = fresh_app(workdir)
    return app, certified_event(app, count)


def certified_event(app, count: int) -> int:
    """An event held yesterday with `count` participants who attended and hold a certificate
    (a full-page background, a two-line kop), in the app's database; returns its id."""
    from datetime import time as clock

    from sqlalchemy import insert

    from eventapp.attendance.models import Attendance
    from eventapp.certificates import services
    from eventapp.certificates.models import DEFAULT_WORDING
    from eventapp.dbtypes import utcnow
    from eventapp.extensions import db
    from eventapp.registration.models import Registration

    with app.app_context():
        admin, event = published_event(
            "Bimbingan Teknis Literasi Digital bagi KIM se-Kalimantan Tengah",
            "bimtek",
            clock(8),
            clock(16),
            letterhead="PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR\n"
            "DINAS KOMUNIKASI, INFORMATIKA, STATISTIK DAN PERSANDIAN\nJl. Jend. Sudirman Km 5,5 Sampit",
            city="Sampit",
        )
        confirmed_registrations(event, count, "Peserta Bimtek Nomor {n:04d}")
        ids = db.session.scalars(db.select(Registration.id).where(Registration.event_id == event.id)).all()
        db.session.execute(
            insert(Attendance),
            [
                {
                    "registration_id": i,
                    "session_id": event.sessions[0].id,
                    "status": "hadir",
                    "method": "scan",
                    "recorded_at": utcnow(),
                }
                for i in ids
            ],
        )
        db.session.commit()
        services.save_settings(
            admin,
            event,
            enabled=True,
            design="klasik",
            number_pattern=services.DEFAULT_PATTERN,
            event_code="BTLD",
            wording={str(k): dict(v) for k, v in DEFAULT_WORDING.items()},
            signatories=[
                services.SignatoryData("Marjuki, S.Sos., M.AP.", "Kepala Dinas", "197305121993031004")
            ],
            upload_dir=app.config["UPLOAD_DIR"],
            background=background_image(),
        )
        services.issue_all(admin, event, event.ends_at + timedelta(hours=1))  # issued after the event
        return event.id


def background_image() -> bytes:
    """A full-page A4 JPEG at 200 dpi, like the designed backgrounds offices upload."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2339, 1654), "#fbf7ec")
    draw = ImageDraw.Draw(image)
    for inset, colour in ((40, "#14487a"), (90, "#b8912f")):
        draw.rectangle((inset, inset, 2339 - inset, 1654 - inset), outline=colour, width=24)
    for y in range(0, 1654, 12):
        draw.line((0, y, 2339, y + 200), fill="#f2ead6", width=2)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def peak_resident_mib() -> float:
    """This process's peak resident size since it started its program (VmHWM). Not ru_maxrss:
    that one carries over from before exec, so a child forked from a large parent reports the
    parent's size."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def build(kind: str, workdir: Path, event_id: int) -> None:
    """Child process: build one bulk file from a prepared database; print resident sizes in MiB:
    after start-up, the peak once two chunks are done (or 0 when there are fewer), and the peak
    at the end. Flat means the last two agree: later chunks add nothing."""
    use_folder(workdir)
    from eventapp import create_app
    from eventapp.certificates import pdf, services
    from eventapp.events.models import Event
    from eventapp.extensions import db

    app = create_app()
    with app.test_request_context():
        event = db.session.get(Event, event_id)
        certificates = services.event_certificates(event)
        pdf.render(
            certificates[:1], services.settings_for(event), app.config["UPLOAD_DIR"]
        )  # warm up: fonts, libraries
        before, two_chunks = peak_resident_mib(), 0.0

        def progress(done: int) -> None:
            nonlocal two_chunks
            if done == 2 * pdf.CHUNK:
                two_chunks = peak_resident_mib()

        writer = pdf.write_zip if kind == "zip" else pdf.write_pdf
        writer(
            certificates,
            services.settings_for(event),
            app.config["UPLOAD_DIR"],
            workdir / f"out.{kind}",
            progress,
        )
    print(before, two_chunks, peak_resident_mib())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=60)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "WORKDIR", "EVENT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        build(args.child[0], Path(args.child[1]), int(args.child[2]))
        return

    workdir = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    app, event_id = setup(workdir, args.count)
    from flask import render_template
    from weasyprint import HTML

    from eventapp.certificates import pdf, services
    from eventapp.events.models import Event
    from eventapp.extensions import db
    from eventapp.pdf import LocalFetcher

    with app.test_request_context():
        event = db.session.get(Event, event_id)
        certificates = services.event_certificates(event)
        upload_dir = app.config["UPLOAD_DIR"]
        roots = [upload_dir, Path(app.static_folder)]

        # Naive: everything from scratch for each certificate (template, fonts, layout, QR, PDF),
        # which is how the app renders a single certificate for its holder.
        started = time.perf_counter()
        for certificate in certificates[: args.naive_sample]:
            services.certificate_pdf(certificate, upload_dir)
        naive = (time.perf_counter() - started) * 1000 / args.naive_sample

        # Floor: one page, the same fonts, nothing on it.
        fonts = (Path(app.static_folder) / "fonts").as_uri()
        empty = render_template(
            "pdf/certificate.html",
            pages=[],
            event=event,
            settings=services.settings_for(event),
            organization=event.organization,
            dates="",
            place="",
            logo_url=None,
            fonts_url=fonts,
            signature_url=lambda name: None,
            qr_slot=pdf.QR_SLOT,
        )
        empty = empty.replace(
            "<body>",
            '<body><p style="font-family: Noto Serif; font-weight: 700">&nbsp;'
            '<span style="font-family: Noto Sans">&nbsp;</span></p>',
        )
        floor_times = []
        for _ in range(20):
            started = time.perf_counter()
            HTML(
                string=empty, base_url=upload_dir.as_uri() + "/", url_fetcher=LocalFetcher(roots)
            ).write_pdf()
            floor_times.append((time.perf_counter() - started) * 1000)
        floor = statistics.median(floor_times)

        results = {}
        for kind, writer in (("zip", pdf.write_zip), ("pdf", pdf.write_pdf)):
            started = time.perf_counter()
            writer(
                certificates,
                services.settings_for(event),
                upload_dir,
                workdir / f"all.{kind}",
                lambda done: None,
            )
            results[kind] = (time.perf_counter() - started) * 1000 / len(certificates)

    print(
        f"{len(certificates)} certificates, A4 landscape, kop, place and date, background image, QR, "
        f"{os.cpu_count()} cores"
    )
    print(f"  naive (fresh document each, sample of {args.naive_sample}): {naive:7.1f} ms per certificate")
    print(f"  floor (one page, same fonts, no content):   {floor:7.1f} ms")
    for kind, label in (("zip", "bulk ZIP, one PDF per person"), ("pdf", "bulk single multi-page PDF")):
        per = results[kind]
        print(
            f"  {label:<36} {per:7.1f} ms per certificate — {naive / per:4.1f}x faster than naive, "
            f"{per / floor:4.2f}x the floor"
        )
    prepared = {args.count: (workdir, event_id)}
    small = Path(tempfile.mkdtemp(prefix="eventapp-bench-"))
    prepared[100] = (
        small,
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); import certificates_bulk as b; "
                f"from pathlib import Path; print(b.setup(Path({str(small)!r}), 100)[1])",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()[-1],
    )
    for kind in ("zip", "pdf"):
        for count in (100, args.count):
            folder, prepared_event = prepared[count]
            out = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(folder), str(prepared_event)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            before, two_chunks, peak = (float(figure) for figure in out[-3:])
            after_two = f"; peak after two chunks: {two_chunks:.0f} MiB" if two_chunks else ""
            print(
                f"  peak memory, {kind} of {count:>5}: {peak:6.0f} MiB (after start-up and one certificate: "
                f"{before:.0f} MiB, growth {peak - before:.0f} MiB{after_two})"
            )


if __name__ == "__main__":
    main()
