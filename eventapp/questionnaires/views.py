"""Organizers build forms and read their results; participants answer from /p/<token>; the
registration form shows an event's own questions."""

from datetime import datetime

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from eventapp.accounts.access import require_roles
from eventapp.accounts.models import Role
from eventapp.dbtypes import utcnow
from eventapp.edges import belonging_or_404
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events.access import managed_event_or_404
from eventapp.events.models import Event
from eventapp.forms import Form, show_error
from eventapp.i18n import local_to_utc, utc_to_local
from eventapp.pdf import render_pdf, static_dir
from eventapp.questionnaires import results, services
from eventapp.questionnaires.forms import CopyForm, QuestionForm, SettingsForm, TemplateForm
from eventapp.questionnaires.models import Purpose, Question, Questionnaire
from eventapp.registration import services as registration_services
from eventapp.registration.models import Registration
from eventapp.tabular import spreadsheet_response

bp = Blueprint("questionnaires", __name__, url_prefix="/kelola/acara/<int:event_id>/formulir")
bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))
public_bp = Blueprint("questionnaires_public", __name__)

PURPOSE_PATHS = {str(p): p for p in Purpose}


def _purpose(value: str) -> Purpose:
    if value not in PURPOSE_PATHS:
        abort(404)
    return PURPOSE_PATHS[value]


def _form_or_404(event: Event, purpose: str) -> Questionnaire:
    found = services.for_event(event, _purpose(purpose))
    if found is None:
        abort(404)
    return found


def _editor(event_id: int, purpose: str):
    return redirect(url_for("questionnaires.edit", event_id=event_id, purpose=purpose))


# --- Organizers: the forms of an event ---------------------------------------------------------------


@bp.route("/")
def index(event_id: int):
    """The event's forms (registration questions, evaluation, tests) and how far each is."""
    event = managed_event_or_404(event_id)
    forms = services.of_event(event)
    answered = services.response_counts(list(forms.values()))
    counts = {purpose: answered.get(q.id, 0) for purpose, q in forms.items()}
    return render_template(
        "questionnaires/index.html",
        event=event,
        forms=forms,
        counts=counts,
        purposes=services.purposes_for(event),
        conditions=services.certificate_conditions(event),
        action_form=Form(),
    )


@bp.route("/<purpose>/buat", methods=["POST"])
def create(event_id: int, purpose: str):
    event = managed_event_or_404(event_id)
    if not Form().validate_on_submit():
        abort(400)
    try:
        services.create(current_user, event, _purpose(purpose), utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("questionnaires.index", event_id=event.id))
    return _editor(event.id, purpose)


def _settings_form(questionnaire: Questionnaire, event: Event) -> SettingsForm:
    form = SettingsForm()
    if request.method == "GET" or "save_settings" not in request.form:
        form = SettingsForm(formdata=None, obj=questionnaire)
        for name in ("opens_at", "closes_at"):
            value = getattr(questionnaire, name)
            getattr(form, name).data = (
                utc_to_local(value, event.timezone).replace(tzinfo=None) if value else None
            )
    form.fit(questionnaire.purpose)
    return form


def _to_utc(value: datetime | None, tz_name: str) -> datetime | None:
    return local_to_utc(value.date(), value.time(), tz_name) if value else None


def _question_form(questionnaire: Questionnaire, question: Question | None = None) -> QuestionForm:
    posted = request.method == "POST" and "save_question" in request.form
    form = QuestionForm() if posted else QuestionForm(formdata=None)
    if not posted and question is not None:
        data = services.QuestionData.of(question)
        for name, value in vars(data).items():
            if name in form:
                form[name].data = "\n".join(value) if name == "options" else value
    form.bind(questionnaire.purpose)
    return form


def _question_data(form: QuestionForm) -> services.QuestionData:
    def value(name, default=None):
        return form[name].data if name in form else default

    return services.QuestionData(
        kind=form.kind.data or "",
        label=form.label.data or "",
        help_text=form.help_text.data or "",
        required=bool(value("required", False)),
        options=(form.options.data or "").splitlines(),
        correct_option=value("correct_option"),
        points=value("points") if value("points") is not None else 1,
        min_number=value("min_number"),
        max_number=value("max_number"),
        low_label=value("low_label", "") or "",
        high_label=value("high_label", "") or "",
        per_speaker=bool(value("per_speaker", False)),
    )


@bp.route("/<purpose>/", methods=["GET", "POST"])
def edit(event_id: int, purpose: str):
    """One form: its settings, its questions in order (edit, move, remove), a new question."""
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    settings_form = _settings_form(questionnaire, event)
    question_form = _question_form(questionnaire)
    now = utcnow()
    if "save_settings" in request.form and settings_form.validate_on_submit():
        data = services.SettingsData(
            title=settings_form.title.data or "", intro=settings_form.intro.data or ""
        )
        for name in vars(data):
            if name in settings_form and name not in ("title", "intro"):
                setattr(data, name, settings_form[name].data)
        data.opens_at = _to_utc(data.opens_at, event.timezone)
        data.closes_at = _to_utc(data.closes_at, event.timezone)
        data.max_attempts = data.max_attempts or 1
        try:
            services.save_settings(current_user, questionnaire, data, now)
        except DomainError as error:
            show_error(settings_form, error, {}, "title")
        else:
            flash(_("Pengaturan formulir disimpan."), "success")
            return _editor(event.id, purpose)
    if "save_question" in request.form and question_form.validate_on_submit():
        try:
            services.save_question(current_user, questionnaire, _question_data(question_form), now)
        except DomainError as error:
            show_error(question_form, error, {}, "label")
        else:
            flash(_("Pertanyaan ditambahkan."), "success")
            return _editor(event.id, purpose)
    copy_form = CopyForm(formdata=None)
    sources = services.copy_sources(event, questionnaire.purpose)
    copy_form.source_id.choices = [(q.id, _source_label(q)) for q in sources]
    return render_template(
        "questionnaires/edit.html",
        event=event,
        questionnaire=questionnaire,
        settings_form=settings_form,
        question_form=question_form,
        copy_form=copy_form,
        template_form=TemplateForm(formdata=None),
        action_form=Form(),
        answered=services.answer_counts([q.id for q in questionnaire.questions]),
        window=services.window(questionnaire, event),
        is_open=services.is_open(questionnaire, event, now),
        no_speakers=not services.speakers(event) and any(q.per_speaker for q in questionnaire.questions),
        responses=services.response_count(questionnaire),
    )


def _source_label(questionnaire: Questionnaire) -> str:
    if questionnaire.event is None:
        return _("Templat: %(title)s", title=questionnaire.title)
    return f"{questionnaire.event.title} — {questionnaire.title}"


@bp.route("/<purpose>/pertanyaan/<int:question_id>", methods=["GET", "POST"])
def edit_question(event_id: int, purpose: str, question_id: int):
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    question = belonging_or_404(Question, question_id, questionnaire_id=questionnaire.id)
    form = _question_form(questionnaire, question)
    answered = services.answer_counts([question.id]).get(question.id, 0)
    if answered:  # its type stays; the page posts it in a hidden field
        form.kind.render_kw = {"disabled": True}
    if form.validate_on_submit():
        try:
            services.save_question(current_user, questionnaire, _question_data(form), utcnow(), question)
        except DomainError as error:
            show_error(form, error, {}, "label")
        else:
            flash(_("Pertanyaan disimpan."), "success")
            return _editor(event.id, purpose)
    return render_template(
        "questionnaires/question.html",
        event=event,
        questionnaire=questionnaire,
        question=question,
        form=form,
        answered=answered,
    )


@bp.route("/<purpose>/pertanyaan/<int:question_id>/<any(naik, turun, hapus):action>", methods=["POST"])
def question_action(event_id: int, purpose: str, question_id: int, action: str):
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    question = belonging_or_404(Question, question_id, questionnaire_id=questionnaire.id)
    if not Form().validate_on_submit():
        abort(400)
    try:
        if action == "hapus":
            services.delete_question(current_user, question)
            flash(_("Pertanyaan dihapus."), "success")
        else:
            services.move_question(current_user, question, -1 if action == "naik" else 1)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("questionnaires.edit", event_id=event.id, purpose=purpose) + f"#q{question.id}")


@bp.route("/<purpose>/salin", methods=["POST"])
def copy(event_id: int, purpose: str):
    """Take the questions of a template or of another event's form."""
    event = managed_event_or_404(event_id)
    form = CopyForm()
    if not form.validate_on_submit() or not form.source_id.data:
        flash(_("Pilih formulir yang akan disalin."), "error")
        return _back_to(event, purpose)
    source = _source_or_404(form.source_id.data, event, _purpose(purpose))
    try:
        services.copy_into(current_user, event, _purpose(purpose), source, utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return _back_to(event, purpose)
    flash(_("Pertanyaan disalin dari %(source)s.", source=_source_label(source)), "success")
    return _editor(event.id, purpose)


def _source_or_404(source_id: int, event: Event, purpose: Purpose) -> Questionnaire:
    source = next((q for q in services.copy_sources(event, purpose) if q.id == source_id), None)
    if source is None:
        abort(404)
    return source


def _back_to(event: Event, purpose: str):
    if services.for_event(event, _purpose(purpose)) is None:
        return redirect(url_for("questionnaires.index", event_id=event.id))
    return _editor(event.id, purpose)


@bp.route("/<purpose>/templat", methods=["POST"])
def save_template(event_id: int, purpose: str):
    """Keep a copy of this form as an office template."""
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    form = TemplateForm()
    if form.validate_on_submit():
        try:
            services.save_as_template(current_user, questionnaire, form.template_title.data or "", utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash(_("Disimpan sebagai templat kantor: %(title)s.", title=form.template_title.data), "success")
    else:
        flash(_("Isi nama templat."), "error")
    return _editor(event.id, purpose)


@bp.route("/<purpose>/kirim", methods=["POST"])
def invite(event_id: int, purpose: str):
    """Send every participant who has not filled the form in their own link to it."""
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    if not Form().validate_on_submit():
        abort(400)
    try:
        count = services.invite_to_answer(current_user, questionnaire, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            ngettext("Tautan dikirim ke %(num)d peserta.", "Tautan dikirim ke %(num)d peserta.", count),
            "success",
        )
    return _editor(event.id, purpose)


@bp.route("/<purpose>/<any(buka, tutup, hapus):action>", methods=["POST"])
def form_action(event_id: int, purpose: str, action: str):
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    if not Form().validate_on_submit():
        abort(400)
    now = utcnow()
    try:
        if action == "buka":
            services.open_now(current_user, questionnaire, now)
            flash(_("Formulir dibuka untuk peserta."), "success")
        elif action == "tutup":
            services.close_now(current_user, questionnaire, now)
            flash(_("Formulir ditutup."), "success")
        else:
            services.delete_questionnaire(current_user, questionnaire)
            flash(_("Formulir dihapus."), "success")
            return redirect(url_for("questionnaires.index", event_id=event.id))
    except DomainError as error:
        flash(error.message, "error")
    return _editor(event.id, purpose)


@bp.route("/<purpose>/pratinjau")
def preview(event_id: int, purpose: str):
    """The form as participants see it; nothing can be sent from here."""
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    return render_template(
        "questionnaires/preview.html",
        event=event,
        questionnaire=questionnaire,
        slots=services.slots(questionnaire, event),
    )


# --- Organizers: results --------------------------------------------------------------------------


@bp.route("/<purpose>/hasil")
def summary(event_id: int, purpose: str):
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    return render_template(
        "questionnaires/results.html", event=event, found=results.results(questionnaire, event)
    )


@bp.route("/<purpose>/hasil.xlsx")
def summary_xlsx(event_id: int, purpose: str):
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    headers, rows = results.export(questionnaire, event)
    return spreadsheet_response("xlsx", headers, rows, str(questionnaire.title), f"{purpose}-{event.slug}")


@bp.route("/<purpose>/hasil.pdf")
def summary_pdf(event_id: int, purpose: str):
    event = managed_event_or_404(event_id)
    questionnaire = _form_or_404(event, purpose)
    html = render_template(
        "pdf/questionnaire_results.html",
        event=event,
        organization=event.organization,
        found=results.results(questionnaire, event),
    )
    return _pdf(html, f"{purpose}-{event.slug}.pdf")


def _pdf(html: str, filename: str):
    body = render_pdf(html, [current_app.config["UPLOAD_DIR"], static_dir()])
    return current_app.response_class(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/tes")
def tests(event_id: int):
    """Pre-test against post-test: each participant, the averages, the topics that did not land."""
    event = managed_event_or_404(event_id)
    return render_template("questionnaires/tests.html", event=event, report=results.test_report(event))


@bp.route("/tes.xlsx")
def tests_xlsx(event_id: int):
    event = managed_event_or_404(event_id)
    headers, rows = results.report_rows(results.test_report(event))
    return spreadsheet_response("xlsx", headers, rows, _("Pre-test dan post-test"), f"tes-{event.slug}")


@bp.route("/tes.pdf")
def tests_pdf(event_id: int):
    event = managed_event_or_404(event_id)
    html = render_template(
        "pdf/test_report.html",
        event=event,
        organization=event.organization,
        report=results.test_report(event),
    )
    return _pdf(html, f"tes-{event.slug}.pdf")


# --- Participants -----------------------------------------------------------------------------


def _participant_or_404(token: str) -> Registration:
    registration = registration_services.find_by_token(token)
    if registration is None:
        abort(404)
    return registration


@public_bp.route("/p/<token>/formulir/<any(evaluasi, pretest, posttest):purpose>", methods=["GET", "POST"])
def answer(token: str, purpose: str):
    """An evaluation, or a test: a start page (with its time limit), then the questions."""
    registration = _participant_or_404(token)
    event = registration.event
    questionnaire = _form_or_404(event, purpose)
    now = utcnow()
    problems: dict[str, str] = {}
    form = Form()
    if request.method == "POST" and form.validate_on_submit():
        try:
            if "start" in request.form:
                services.start_attempt(questionnaire, registration, now)
                return redirect(url_for("questionnaires_public.answer", token=token, purpose=purpose))
            response = services.submit(questionnaire, registration, request.form.to_dict(flat=False), now)
        except ValidationFailed as invalid:
            problems = dict(invalid.problems or {})
        except DomainError as error:
            flash(error.message, "error")
        else:
            score = services.score_to_show(questionnaire, response)
            if score is not None:
                flash(
                    _("Terima kasih. Nilai Anda: %(score)s dari 100.", score=services.shown(score)), "success"
                )
            else:
                flash(_("Terima kasih, jawaban Anda sudah kami terima."), "success")
            return redirect(url_for("registration.participant", token=token))
    current = services.standing(questionnaire, registration)
    attempt = current.open_attempt
    seed = attempt.id if attempt is not None else None
    return render_template(
        "questionnaires/answer.html",
        event=event,
        registration=registration,
        questionnaire=questionnaire,
        form=form,
        standing=current,
        closed=services.closed_reason(questionnaire, event, now),
        slots=services.slots(questionnaire, event, seed),
        seed=seed,
        deadline=services.deadline(questionnaire, attempt) if attempt else None,
        problems=problems,
        raw=request.form,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    registration_services.registered.connect(services.keep_registration_answers)
    app.jinja_env.globals.update(
        option_order=services.option_order,
        participant_forms=lambda registration: services.participant_forms(registration, utcnow()),
        answer_shown=services.shown,
    )
