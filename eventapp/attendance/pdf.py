"""The printed daftar hadir (attendance sheet) for the office's accountability report (SPJ)."""

from pathlib import Path

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventapp.attendance.models import Attendance, AttendanceStatus
from eventapp.events.models import Event, EventMode, EventSession
from eventapp.extensions import db
from eventapp.i18n import format_datetime, format_time, utc_to_local
from eventapp.pdf import render_pdf, static_dir
from eventapp.registration.models import Registration, RegistrationStatus

BLANK_ROWS = 10  # for people who register at the door


def attendance_sheet(event: Event, session: EventSession, filled: bool, upload_dir: Path) -> bytes:
    """A4 portrait: kop surat, title, event details, one numbered row per confirmed participant
    (plus blank rows), signature column staggered left/right, and the Mengetahui block. Phone
    numbers are masked (the sheet is passed round the hall); at a hybrid event only those
    attending in person are listed. `filled` lists who checked in, with the time in the
    session's zone (and the day, when it was recorded on another one)."""
    stmt = select(Registration).where(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
    )
    if event.mode == EventMode.HIBRIDA:  # the paper is signed in the hall, by those who came there
        stmt = stmt.where(Registration.attendance_mode == EventMode.LURING)
    people = db.session.scalars(
        stmt.options(selectinload(Registration.kim)).order_by(Registration.name, Registration.id)
    ).all()
    times = {}
    if filled:
        session_day = utc_to_local(session.starts_at, event.timezone).date()
        times = {
            a.registration_id: (
                format_time(a.recorded_at, event.timezone)
                if utc_to_local(a.recorded_at, event.timezone).date() == session_day
                else format_datetime(a.recorded_at, event.timezone)
            )
            for a in db.session.scalars(
                select(Attendance).where(
                    Attendance.session_id == session.id, Attendance.status == AttendanceStatus.HADIR
                )
            )
        }
        people = [p for p in people if p.id in times]
    organization = event.organization
    logo = upload_dir / "logos" / organization.logo_filename if organization.logo_filename else None
    html = render_template(
        "pdf/attendance_sheet.html",
        event=event,
        session=session,
        organization=organization,
        people=people,
        times=times,
        filled=filled,
        blank_rows=0 if filled else BLANK_ROWS,
        logo_url=logo.as_uri() if logo and logo.exists() else None,
    )
    return render_pdf(html, [upload_dir, static_dir()])
