"""Certificate pages: organizers' settings, issuing, revoking and bulk downloads; participants'
downloads; public verification."""

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from eventapp.accounts.access import require_roles
from eventapp.accounts.models import Role
from eventapp.certificates import bulk as bulk_downloads
from eventapp.certificates import jobs, services
from eventapp.certificates.forms import SIGNATORY_SLOTS, FindForm, RevokeForm, SettingsForm
from eventapp.certificates.models import DESIGNS, BulkJob, Certificate, HolderRole
from eventapp.dbtypes import utcnow
from eventapp.edges import belonging_or_404
from eventapp.errors import DomainError, ValidationFailed
from eventapp.events.access import managed_event_or_404
from eventapp.extensions import limiter
from eventapp.forms import show_error
from eventapp.phones import mask_contact
from eventapp.questionnaires.services import response_submitted
from eventapp.registration import services as registration_services
from eventapp.registration.services import registration_corrected, registrations_cancelled
from eventapp.verification import proofs
from eventapp.verification import services as verification_services
from eventapp.verification import views as verification
from eventapp.verification.forms import ContactForm

bp = Blueprint("certificates", __name__, url_prefix="/kelola/acara/<int:event_id>/sertifikat")
bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))
public_bp = Blueprint("certificates_public", __name__)


def _pdf(body: bytes, filename: str, download: bool = False):
    disposition = "attachment" if download else "inline"
    return current_app.response_class(
        body,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


def _fill(form: SettingsForm, settings) -> None:
    form.enabled.data, form.design.data = settings.enabled, settings.design
    form.number_pattern.data, form.event_code.data = settings.number_pattern, settings.event_code
    for role in HolderRole:
        words = settings.wording.get(role) or services.DEFAULT_WORDING[role]
        getattr(form, f"title_{role}").data, getattr(form, f"wording_{role}").data = (
            words["title"],
            words["wording"],
        )
    for slot, signatory in enumerate(settings.signatories or [], start=1):
        for key in ("name", "title", "nip"):
            getattr(form, f"sig{slot}_{key}").data = signatory.get(key, "")


@bp.route("/", methods=["GET", "POST"])
def index(event_id: int):
    """Settings, the issued certificates and the actions on them."""
    event = managed_event_or_404(event_id)
    settings = services.settings_for(event)
    form = SettingsForm()
    if request.method == "GET":
        _fill(form, settings)
    if form.validate_on_submit():
        signatories = []
        for slot in range(1, SIGNATORY_SLOTS + 1):
            upload = getattr(form, f"sig{slot}_file").data
            signatories.append(
                services.SignatoryData(
                    name=getattr(form, f"sig{slot}_name").data or "",
                    title=getattr(form, f"sig{slot}_title").data or "",
                    nip=getattr(form, f"sig{slot}_nip").data or "",
                    signature=upload.read() if upload else None,
                )
            )
        wording = {
            str(role): {
                "title": getattr(form, f"title_{role}").data,
                "wording": getattr(form, f"wording_{role}").data,
            }
            for role in HolderRole
        }
        try:
            services.save_settings(
                current_user,
                event,
                enabled=form.enabled.data,
                design=form.design.data,
                number_pattern=form.number_pattern.data,
                event_code=form.event_code.data or "",
                wording=wording,
                signatories=signatories,
                upload_dir=current_app.config["UPLOAD_DIR"],
                background=form.background.data.read() if form.background.data else None,
                remove_background=form.remove_background.data,
            )
        except DomainError as error:
            fields = {"pattern*": "number_pattern", "signature*": "sig1_file", "background*": "background"}
            show_error(form, error, fields, "sig1_name")
        else:
            flash(_("Pengaturan sertifikat disimpan."), "success")
            return redirect(url_for("certificates.index", event_id=event.id))
    return render_template(
        "certificates/index.html",
        event=event,
        form=form,
        settings=settings,
        roles=list(HolderRole),
        designs=DESIGNS,
        slots=range(1, SIGNATORY_SLOTS + 1),
        certificates=services.event_certificates(event),
        eligible_count=len(services.eligible(event)),
        issue_blocker=services.issue_blocker(event, settings, utcnow()),
        revoke_form=RevokeForm(),
    )


@bp.route("/terbitkan", methods=["POST"])
def issue(event_id: int):
    """Issue to everyone who qualifies and has no certificate yet."""
    event = managed_event_or_404(event_id)
    try:
        result = services.issue_all(current_user, event, utcnow())
    except DomainError as error:
        flash(error.message, "error")
    else:
        if result.issued:
            jobs.mail_certificates([c.id for c in result.issued])
        flash(
            _(
                "%(n)d sertifikat baru diterbitkan; %(old)d sudah ada sebelumnya dan tetap bernomor sama.",
                n=len(result.issued),
                old=result.already,
            ),
            "success",
        )
    return redirect(url_for("certificates.index", event_id=event.id))


@bp.route("/pratinjau")
def preview(event_id: int):
    """A certificate with sample data, in the chosen design and wording."""
    event = managed_event_or_404(event_id)
    role = request.args.get("peran", "peserta")
    if role not in set(HolderRole):
        abort(404)
    return _pdf(services.preview(event, role, current_app.config["UPLOAD_DIR"]), "pratinjau-sertifikat.pdf")


@bp.route("/<int:certificate_id>.pdf")
def download(event_id: int, certificate_id: int):
    """One certificate as PDF."""
    event = managed_event_or_404(event_id)
    certificate = belonging_or_404(Certificate, certificate_id, event_id=event.id)
    return _pdf(
        services.certificate_pdf(certificate, current_app.config["UPLOAD_DIR"]),
        f"sertifikat-{certificate.code}.pdf",
    )


@bp.route("/<int:certificate_id>/cabut", methods=["POST"])
def revoke(event_id: int, certificate_id: int):
    """Revoke with a reason."""
    event = managed_event_or_404(event_id)
    certificate = belonging_or_404(Certificate, certificate_id, event_id=event.id)
    form = RevokeForm()
    if form.validate_on_submit():
        services.revoke(current_user, certificate, form.reason.data, utcnow())
        flash(_("Sertifikat %(number)s dicabut.", number=certificate.number), "success")
    else:
        flash(_("Tuliskan alasan pencabutan."), "error")
    return redirect(url_for("certificates.index", event_id=event.id))


@bp.route("/<int:certificate_id>/pulihkan", methods=["POST"])
def restore(event_id: int, certificate_id: int):
    """Undo a revocation."""
    event = managed_event_or_404(event_id)
    services.restore(current_user, belonging_or_404(Certificate, certificate_id, event_id=event.id))
    flash(_("Sertifikat dipulihkan."), "success")
    return redirect(url_for("certificates.index", event_id=event.id))


@bp.route("/unduh-semua", methods=["POST"])
def bulk(event_id: int):
    """Start building every valid certificate as a ZIP or one PDF, in the background."""
    event = managed_event_or_404(event_id)
    try:
        job, new = bulk_downloads.start(current_user, event, request.form.get("jenis", "zip"), utcnow())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("certificates.index", event_id=event.id))
    if new:
        jobs.queue_bulk(job)
    else:
        flash(_("Berkas jenis ini sedang disiapkan; halaman ini menunjukkan kemajuannya."), "info")
    return redirect(url_for("certificates.bulk_status", event_id=event.id, job_id=job.id))


@bp.route("/unduhan/<int:job_id>")
def bulk_status(event_id: int, job_id: int):
    """Progress of a bulk download; the page refreshes itself until the file is ready."""
    event = managed_event_or_404(event_id)
    job = belonging_or_404(BulkJob, job_id, event_id=event.id)
    return render_template(
        "certificates/bulk.html", event=event, job=job, quiet=bulk_downloads.quiet(job, utcnow())
    )


@bp.route("/unduhan/<int:job_id>/berkas")
def bulk_file(event_id: int, job_id: int):
    """The finished bulk file."""
    event = managed_event_or_404(event_id)
    job = belonging_or_404(BulkJob, job_id, event_id=event.id)
    if not job.ready:
        flash(_("Berkasnya belum siap; halaman ini memberi tahu begitu siap."), "info")
        return redirect(url_for("certificates.bulk_status", event_id=event.id, job_id=job.id))
    return send_file(
        current_app.config["EXPORT_DIR"] / job.filename,
        as_attachment=True,
        download_name=f"sertifikat-{event.slug}.{job.kind}",
    )


# --- Participants and the public -----------------------------------------------------------------


@public_bp.route("/p/<token>/sertifikat.pdf")
def own(token: str):
    """A participant downloads their certificate from their own page."""
    registration = registration_services.find_by_token(token)
    certificate = services.for_registration(registration) if registration else None
    if certificate is None or certificate.revoked_at is not None:
        abort(404)
    return _pdf(
        services.certificate_pdf(certificate, current_app.config["UPLOAD_DIR"]),
        f"sertifikat-{certificate.code}.pdf",
        download=True,
    )


@public_bp.route("/sertifikat", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def find():
    """Find one's certificate with the phone or e-mail used to register and the registration code."""
    form = FindForm()
    found = None
    if form.validate_on_submit():
        found = services.find_own(form.contact.data, form.registration_code.data)
        if found is None:
            form.registration_code.errors.append(
                _("Tidak ditemukan sertifikat untuk data ini. Periksa nomor/e-mail dan kode pendaftaran.")
            )
    return _find_page(form, ContactForm(formdata=None), found)


def _find_page(form: FindForm, contact_form: ContactForm, found=None):
    """Both ways to find one's certificates, each form keeping what was typed into it."""
    return render_template("certificates/find.html", form=form, contact_form=contact_form, found=found)


@public_bp.route("/sertifikat/kode", methods=["GET", "POST"])
@limiter.limit("20 per minute;100 per hour", methods=["POST"])
def prove_contact():
    """'Sertifikat saya': a code goes to the phone or e-mail typed (when it was ever used to
    register, from the office it last registered with); the right code opens the list."""
    if request.method == "GET":  # the language switch, say, comes back here
        return redirect(url_for("certificates_public.find"))
    contact_form = ContactForm()
    now = utcnow()
    contact = None
    if "edit" not in request.form and contact_form.validate_on_submit():
        try:
            contact = verification_services.normalize_contact(contact_form.contact_to_verify.data)
        except ValidationFailed as invalid:
            contact_form.contact_to_verify.errors.append(invalid.message)
    if contact is None:  # not valid, or 'ubah' from the code page
        return _find_page(FindForm(formdata=None), contact_form)
    # A contact never used to register has no office to send from: it gets the same pages
    # and no message, so nothing tells a stranger whether a number took part in anything.
    office = registration_services.last_organization(contact)
    step = verification.code_step(contact, proofs.CERTIFICATES, office, _("melihat sertifikat"), now)
    if step.proven:
        return redirect(url_for("certificates_public.mine"))
    return verification.code_page(
        contact,
        [("contact_to_verify", contact_form.contact_to_verify.data)],
        _("Sertifikat saya: kode dikirim bila nomor atau e-mail ini pernah dipakai mendaftar."),
        step,
    )


@public_bp.route("/sertifikat/saya")
def mine():
    """Every certificate of the contacts proven in this browser, across events."""
    contacts = proofs.proven_contacts(proofs.CERTIFICATES, utcnow())
    if not contacts:
        return redirect(url_for("certificates_public.find"))
    return render_template(
        "certificates/mine.html",
        certificates=services.for_contacts(contacts),
        contacts=[mask_contact(c) for c in contacts],
    )


@public_bp.route("/sertifikat/keluar", methods=["POST"])
def leave():
    """Forget the proven contacts (on a shared phone, say)."""
    proofs.forget(proofs.CERTIFICATES)
    flash(_("Selesai. Nomor dan e-mail Anda tidak lagi diingat di perangkat ini."), "success")
    return redirect(url_for("certificates_public.find"))


@public_bp.route("/verifikasi/<code>")
def verify(code: str):
    """Whether a certificate is genuine and valid: holder, role, event, date, issuer; nothing more."""
    certificate = services.by_code(code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None, code=code), 404
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
    )


def init_app(app: Flask) -> None:
    """Register this feature's pages, jobs and the participant-page helper."""
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
    app.jinja_env.globals["certificate_of"] = services.for_registration
    registrations_cancelled.connect(services.revoke_for_cancelled)
    registration_corrected.connect(services.rename_for_corrected)
    response_submitted.connect(services.issue_when_forms_done)
