"""Render time of the printed daftar hadir for 500 participants (WeasyPrint).

.venv/bin/python bench/attendance_sheet.py [--participants 500]
"""

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throwaway import fresh_app, published_event

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    args = parser.parse_args()
    app, _folder = fresh_app()
    from datetime import time as clock

    from pypdf import PdfReader

    from eventapp.attendance.pdf import attendance_sheet
    from eventapp.dbtypes import utcnow
    from eventapp.registration import services as registration

    with app.test_request_context():
        _admin, event = published_event(
            "Sosialisasi Pembentukan KIM",
            "sosialisasi",
            clock(9),
            clock(12),
            letterhead="PEMERINTAH KABUPATEN KOTAWARINGIN TIMUR\nDINAS KOMUNIKASI DAN INFORMATIKA",
        )
        for n in range(args.participants):
            registration.register(
                event,
                registration.RegistrantData(
                    name=f"Peserta Nomor {n}",
                    phone=f"0813{n:08d}",
                    gender="P",
                    institution="Kantor Desa Camba",
                    position="Staf",
                    consent=True,
                ),
                utcnow(),
            )
        timings, pdf = [], b""
        for _ in range(3):
            started = time.perf_counter()
            pdf = attendance_sheet(event, event.sessions[0], False, app.config["UPLOAD_DIR"])
            timings.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"daftar hadir, {args.participants} participants: {pages} A4 pages, {len(pdf) / 1024:.0f} KiB, "
        f"median {statistics.median(timings):.2f} s of 3 renders"
    )


if __name__ == "__main__":
    main()
