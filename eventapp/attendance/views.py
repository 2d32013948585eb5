"""Attendance pages: the check-in desk (door staff too), the organizers' attendance tools, the
public /presensi page and the offices' attendance report."""

from datetime import date, datetime, time, timedelta

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventapp.accounts.access import per_account, require_roles
from eventapp.accounts.models import Role
from eventapp.attendance import meeting_reports, services
from eventapp.attendance.forms import CodeWindowForm, PublicCodeForm, ReportImportForm, ScanForm
from eventapp.attendance.models import Attendance, AttendanceMethod, CodeWindow
from eventapp.attendance.pdf import attendance_sheet
from eventapp.dbtypes import utcnow
from eventapp.edges import belonging_or_404
from eventapp.errors import DomainError
from eventapp.events import services as event_services
from eventapp.events.access import managed_event_or_404
from eventapp.events.models import Event, EventSession, EventStatus
from eventapp.extensions import db, limiter
from eventapp.forms import optional_int, show_error
from eventapp.i18n import local_to_utc
from eventapp.registration.forms import RegistrantForm, show_registrant_error, validate_registrant
from eventapp.registration.models import Registration, RegistrationStatus
from eventapp.tabular import read_rows, spreadsheet_response

desk_bp = Blueprint("checkin", __name__, url_prefix="/kelola")
desk_bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER, Role.CHECKIN))
bp = Blueprint("attendance", __name__, url_prefix="/kelola")
bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))
public_bp = Blueprint("attendance_public", __name__)


def _session(event: Event) -> EventSession:
    return services.session_of(event, optional_int(request.values.get("sesi")), utcnow())


def _any_day() -> bool:
    """The desk confirmed that it checks people in for a session held on another day."""
    return request.values.get("luar_hari") == "1"


def _recent(session: EventSession) -> list[Attendance]:
    """The last check-ins of a session, with their people, in two queries."""
    return list(
        db.session.scalars(
            select(Attendance)
            .where(Attendance.session_id == session.id)
            .options(selectinload(Attendance.registration))
            .order_by(Attendance.recorded_at.desc(), Attendance.id.desc())
            .limit(8)
        )
    )


def _desk(event: Event, session: EventSession, result=None, status: int = 200):
    query = request.args.get("q", "")[:100]
    return render_template(
        "attendance/desk.html",
        event=event,
        session=session,
        form=ScanForm(formdata=None),
        result=result,
        query=query,
        found=services.search(event, query) if query else [],
        recent=_recent(session),
        counts=services.session_counts(event, session),
        any_day=_any_day(),
        day_problem=services.other_day(event, session, utcnow()),
    ), status


# --- The desk ------------------------------------------------------------------------------------


@desk_bp.route("/presensi")
def events():
    """Door staff's start page: the office's published events that are not over, today's and
    the next ones first."""
    filters = event_services.OrganizerFilters(status=EventStatus.PUBLISHED, when="mendatang")
    items = db.session.scalars(event_services.organizer_events(current_user, filters, utcnow())).all()
    return render_template("attendance/events.html", events=items)


# A desk scans a person every few seconds at most; a script trying codes is stopped.
DESK_LIMIT = "120 per minute"


@desk_bp.route("/acara/<int:event_id>/presensi", methods=["GET", "POST"])
@limiter.limit(DESK_LIMIT, methods=["POST"], key_func=per_account)
def desk(event_id: int):
    """Check-in desk: a scanner or the keyboard types a code and Enter; search by name; undo."""
    event = managed_event_or_404(event_id)
    session = _session(event)
    if request.method == "GET":
        return _desk(event, session)
    form = ScanForm()
    if not form.validate_on_submit():
        return _desk(
            event, session, services.CheckInResult("unknown", _("Ketik atau pindai kode peserta.")), 422
        )
    result = services.scan(current_user, event, session, form.code.data, utcnow(), _any_day())
    return _desk(event, session, result, 200 if result.outcome in ("ok", "already") else 422)


@desk_bp.route("/acara/<int:event_id>/presensi/hadir/<int:registration_id>", methods=["POST"])
@limiter.limit(DESK_LIMIT, key_func=per_account)
def check_in_found(event_id: int, registration_id: int):
    """Check in someone found by the search."""
    event = managed_event_or_404(event_id)
    session = _session(event)
    registration = belonging_or_404(Registration, registration_id, event_id=event.id)
    result = services.check_in(
        current_user, event, session, registration, utcnow(), AttendanceMethod.SEARCH, _any_day()
    )
    if result.outcome == "other_day":
        # The answer carries a button to record this person anyway, as a scan's does.
        return _desk(event, session, result, 422)
    # Back to the desk's own address, so that the next search or scan starts from there.
    flash(
        f"{result.message} {registration.name}", "success" if result.outcome in ("ok", "already") else "error"
    )
    return redirect(
        url_for("checkin.desk", event_id=event.id, sesi=session.id, luar_hari="1" if _any_day() else None)
    )


@desk_bp.route("/acara/<int:event_id>/presensi/batal/<int:attendance_id>", methods=["POST"])
def undo(event_id: int, attendance_id: int):
    """Take back a mistaken check-in."""
    event = managed_event_or_404(event_id)
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or attendance.registration.event_id != event.id:
        abort(404)
    session_id = attendance.session_id
    services.undo(current_user, attendance)
    flash(_("Presensi %(name)s dibatalkan.", name=attendance.registration.name), "success")
    return redirect(url_for("checkin.desk", event_id=event.id, sesi=session_id))


@desk_bp.route("/acara/<int:event_id>/presensi/walkin", methods=["GET", "POST"])
def walk_in(event_id: int):
    """Register someone at the door and check them in."""
    event = managed_event_or_404(event_id)
    session = _session(event)
    form = RegistrantForm()
    refused = False
    if request.method == "POST" and not form.refresh_kim.data and validate_registrant(form, event, False):
        try:
            result = services.walk_in(current_user, event, session, form.registrant(), utcnow(), _any_day())
        except DomainError as error:
            show_registrant_error(form, error)
        else:
            if result.outcome != "other_day":
                return _desk(event, session, result)
            refused = True
    form.bind_choices(event)
    return render_template(
        "attendance/walk_in.html",
        form=form,
        event=event,
        session=session,
        any_day=_any_day(),
        day_problem=services.other_day(event, session, utcnow()),
        refused=refused,
    )


# --- Organizers' tools ------------------------------------------------------------------------


def _code_window_rule() -> services.CodeWindowRule:
    config = current_app.config
    return services.CodeWindowRule(
        lead=timedelta(minutes=config["CODE_WINDOW_LEAD_MINUTES"]),
        grace=timedelta(minutes=config["CODE_WINDOW_GRACE_MINUTES"]),
    )


@bp.route("/acara/<int:event_id>/presensi/kode", methods=["GET", "POST"])
def code_windows(event_id: int):
    """Open or close the kode presensi of each session."""
    event = managed_event_or_404(event_id)
    form = CodeWindowForm()
    if request.method == "POST":
        session = _session(event)
        if request.form.get("action") == "close":
            services.close_code_window(current_user, session, utcnow())
            flash(_("Presensi daring ditutup."), "success")
            return redirect(url_for("attendance.code_windows", event_id=event.id))
        if form.validate_on_submit():
            try:
                window = services.open_code_window(
                    current_user, session, form.minutes.data, utcnow(), _code_window_rule()
                )
            except DomainError as error:
                form.minutes.errors.append(error.message)
            else:
                flash(_("Kode presensi %(code)s dibuka.", code=window.code), "success")
                return redirect(url_for("attendance.code_windows", event_id=event.id))
    windows = {
        w.session_id: w
        for w in db.session.scalars(
            select(CodeWindow).where(CodeWindow.session_id.in_([s.id for s in event.sessions]))
        )
    }
    return render_template(
        "attendance/code_windows.html", event=event, form=form, windows=windows, now=utcnow()
    )


@bp.route("/acara/<int:event_id>/presensi/laporan-rapat", methods=["GET", "POST"])
def meeting_report(event_id: int):
    """Import a Zoom/Google Meet participant report for a session."""
    event = managed_event_or_404(event_id)
    session = _session(event)
    form = ReportImportForm()
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = meeting_reports.parse_meeting_report(read_rows(upload.filename, upload.read()))
            result = meeting_reports.import_meeting_report(
                current_user, event, session, rows, form.min_share.data, utcnow()
            )
        except DomainError as error:
            form.file.errors.append(error.message)
    confirmed = db.session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.name)
    ).all()
    return render_template(
        "attendance/meeting_report.html",
        event=event,
        session=session,
        form=form,
        result=result,
        confirmed=confirmed,
    )


@bp.route("/acara/<int:event_id>/presensi/cocokkan", methods=["POST"])
def match_row(event_id: int):
    """Match one unmatched report row to a registrant by hand."""
    event = managed_event_or_404(event_id)
    session = _session(event)
    registration = db.session.get(Registration, optional_int(request.form.get("registration_id")) or 0)
    if registration is None or registration.event_id != event.id:
        flash(_("Pilih peserta untuk dicocokkan."), "error")
    else:
        typed = optional_int(request.form.get("minutes")) or 0
        minutes = meeting_reports.match_by_hand(current_user, event, session, registration, typed, utcnow())
        flash(_("%(name)s dicatat hadir %(m)d menit.", name=registration.name, m=minutes), "success")
    return redirect(url_for("attendance.matrix", event_id=event.id))


@bp.route("/acara/<int:event_id>/presensi/matriks")
def matrix(event_id: int):
    """Participants × sessions, with who meets the attendance rule; rakor marks are set here."""
    event = managed_event_or_404(event_id)
    status = request.args.get("status", "")
    rows = services.matrix(event, {"memenuhi": True, "belum": False}.get(status))
    return render_template("attendance/matrix.html", event=event, rows=rows, status=status)


@bp.route("/acara/<int:event_id>/presensi/matriks.xlsx")
def matrix_export(event_id: int):
    """The attendance matrix as XLSX."""
    event = managed_event_or_404(event_id)
    headers = ["kode", "nama", "kim_instansi", "kabupaten_kota"]
    headers += [f"sesi_{n}" for n in range(1, len(event.sessions) + 1)] + [
        "sesi_hadir",
        "menit",
        "memenuhi",
    ]
    body = []
    for row in services.matrix(event):
        r = row.registration
        cells = [r.code, r.name, r.kim.name if r.kim else r.institution, r.region.name if r.region else ""]
        cells += [row.by_session[s.id].status if s.id in row.by_session else "" for s in event.sessions]
        body.append(
            [*cells, row.attended_sessions, row.attended_minutes, "ya" if row.meets_rule else "tidak"]
        )
    return spreadsheet_response("xlsx", headers, body, "Presensi", f"presensi-{event.slug}")


@bp.route("/acara/<int:event_id>/presensi/tandai", methods=["POST"])
def mark(event_id: int):
    """Mark an invitee hadir / izin / tidak hadir for a session (rakor)."""
    event = managed_event_or_404(event_id)
    session = _session(event)
    registration = db.session.get(Registration, optional_int(request.form.get("registration_id")) or 0)
    if registration is None or registration.event_id != event.id:
        abort(404)
    try:
        services.mark(current_user, registration, session, request.form.get("status", ""), utcnow())
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("attendance.matrix", event_id=event.id))


@bp.route("/acara/<int:event_id>/daftar-hadir.pdf")
def sheet(event_id: int):
    """The printed daftar hadir: blank for signatures, or filled with check-in times."""
    event = managed_event_or_404(event_id)
    session = _session(event)
    filled = request.args.get("versi") == "isi"
    pdf = attendance_sheet(event, session, filled, current_app.config["UPLOAD_DIR"])
    kind = "isi" if filled else "kosong"
    return current_app.response_class(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="daftar-hadir-{event.slug}-{kind}.pdf"'},
    )


@bp.route("/laporan/presensi")
def report():
    """Attendance rates per event, KIM and kabupaten/kota over a period, with an XLSX export."""
    today = utcnow().date()
    start = _date_arg("dari", today.replace(day=1) - timedelta(days=365))
    end = _date_arg("sampai", today)
    rows = services.report(
        current_user,
        local_to_utc(start, time(0), "Asia/Jakarta"),
        local_to_utc(end + timedelta(days=1), time(0), "Asia/Jakarta"),
    )
    if request.args.get("format") == "xlsx":
        body = [
            [group, row.label, row.registered, row.present, round(row.rate * 100, 1)]
            for group, items in rows.items()
            for row in items
        ]
        return spreadsheet_response(
            "xlsx",
            ["kelompok", "nama", "terdaftar", "hadir", "persen_hadir"],
            body,
            "Laporan",
            "laporan-presensi",
        )
    return render_template("attendance/report.html", rows=rows, start=start, end=end)


def _date_arg(name: str, default: date) -> date:
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return default


# --- Public -------------------------------------------------------------------------------------


@public_bp.route("/presensi", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def enter_code():
    """Online attendance: the kode presensi read out in the meeting, plus one's own code or phone."""
    form = PublicCodeForm()
    done = None
    if form.validate_on_submit():
        try:
            done = services.submit_code(form.code.data, form.identifier.data, utcnow())
        except DomainError as error:
            show_error(form, error, {"person_unknown": "identifier"}, "code")
    return render_template("attendance/public_code.html", form=form, done=done)


def init_app(app: Flask) -> None:
    """Register this feature's pages and the participant-page helper."""
    for blueprint in (desk_bp, bp, public_bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["attendance_of"] = services.person_attendance
    # The organizers' event list opens with today's sessions, which only this feature counts.
    app.jinja_env.globals["today_sessions"] = lambda actor: services.today(actor, utcnow())
