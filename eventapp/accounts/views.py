"""Sign-in, passwords, user management (admins) and office profiles."""

import json
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from eventapp.accounts import services
from eventapp.accounts.access import get_scoped_or_404, require_roles
from eventapp.accounts.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    OrganizationForm,
    RequeueForm,
    TestWhatsAppForm,
    UserForm,
    WhatsAppForm,
)
from eventapp.accounts.models import Organization, Role, User
from eventapp.dbtypes import utcnow
from eventapp.edges import public_url, safe_next
from eventapp.errors import DomainError
from eventapp.extensions import db, limiter
from eventapp.forms import select_choices, show_error, show_problems
from eventapp.outbox import catalogue, whatsapp
from eventapp.outbox import services as outbox
from eventapp.outbox.jobs import send_committed
from eventapp.outbox.models import LEFT
from eventapp.regions.models import Region, RegionLevel

bp = Blueprint("accounts", __name__, url_prefix="/kelola")
users_bp = Blueprint("users", __name__, url_prefix="/kelola/pengguna")
users_bp.before_request(require_roles(Role.ADMIN))
messages_bp = Blueprint("messages", __name__, url_prefix="/kelola/pesan")
messages_bp.before_request(require_roles(Role.ADMIN))
organizations_bp = Blueprint("organizations", __name__, url_prefix="/kelola/organisasi")
organizations_bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))


def load_user(session_id: str) -> User | None:
    """Flask-Login's loader: the account behind a session or remember cookie, if the cookie
    is of the account's current session version (see User.get_id)."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or str(user.session_version) != version:
        return None
    return user


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"])
def login():
    """Organizer sign-in."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, utcnow())
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("accounts.home"))
    return render_template("accounts/login.html", form=form)


@bp.route("/keluar", methods=["POST"])
def logout():
    """Sign out everywhere (a POST with CSRF, so no link can sign someone out): a copy of the
    session cookie taken before stops working too."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
    logout_user()
    flash(_("Anda telah keluar."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/")
@login_required
def home():
    """Where an organizer lands after signing in."""
    if current_user.role == Role.CHECKIN:
        return redirect(url_for("checkin.events"))
    return redirect(url_for("events.index"))


@bp.route("/akun", methods=["GET", "POST"])
@login_required
def account():
    """A signed-in person's own account: who they are and changing their password."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(current_user, form.current.data, form.password.data)
        except DomainError as error:
            show_error(form, error, {"bad_current_password": "current"}, "password")
        else:
            # Every other session has ended; this one goes on under the new version.
            login_user(current_user._get_current_object())
            flash(_("Kata sandi sudah diganti."), "success")
            return redirect(url_for("accounts.account"))
    return render_template("accounts/account.html", form=form)


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@limiter.limit("5 per minute;20 per hour", methods=["POST"])
def forgot_password():
    """Ask for a password reset link by e-mail."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data, current_app.config["SECRET_KEY"], current_app.config["BASE_URL"]
        )
        flash(_("Jika e-mail itu terdaftar, tautan untuk membuat kata sandi baru sudah dikirim."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/sandi/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token: str):
    """Choose a new password from an e-mailed link."""
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, current_app.config["SECRET_KEY"])
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            flash(_("Kata sandi baru tersimpan. Silakan masuk."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form)


# --- Users (admins only) ---------------------------------------------------------------------


def _organization_choices() -> list[tuple]:
    organizations = db.session.scalars(select(Organization).order_by(Organization.name))
    return select_choices(
        [("", _("— tanpa organisasi (admin) —"))] + [(org.id, org.name) for org in organizations]
    )


def _user_data(form: UserForm) -> services.UserData:
    return services.UserData(
        email=form.email.data,
        name=form.name.data,
        role=form.role.data,
        organization_id=form.organization_id.data,
        active=form.active.data,
    )


@users_bp.route("/")
def users_index():
    """All organizer accounts with their role and office."""
    users = db.session.scalars(
        select(User).outerjoin(User.organization).order_by(Organization.name, User.name)
    ).all()
    return render_template("accounts/users.html", users=users)


@users_bp.route("/baru", methods=["GET", "POST"])
def user_create():
    """Create an account."""
    form = UserForm()
    form.organization_id.choices = _organization_choices()
    if form.validate_on_submit():
        try:
            services.create_user(current_user, _user_data(form), form.password.data or "")
        except DomainError as error:
            _attach_user_error(form, error)
        else:
            flash(_("Akun %(email)s dibuat.", email=form.email.data), "success")
            return redirect(url_for("users.users_index"))
    return render_template("accounts/user_form.html", form=form, user=None)


@users_bp.route("/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Change an account's role, office, status or password."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    form.organization_id.choices = _organization_choices()
    if form.validate_on_submit():
        try:
            services.update_user(current_user, user, _user_data(form), form.password.data or None)
        except DomainError as error:
            _attach_user_error(form, error)
        else:
            flash(_("Akun %(email)s disimpan.", email=user.email), "success")
            return redirect(url_for("users.users_index"))
    return render_template("accounts/user_form.html", form=form, user=user)


def _attach_user_error(form: UserForm, error: DomainError) -> None:
    field = {
        "email_taken": form.email,
        "organization_required": form.organization_id,
        "weak_password": form.password,
    }.get(error.code, form.role)
    field.errors.append(error.message)


# --- Organizations ---------------------------------------------------------------------------


def _region_choices() -> list[tuple]:
    """Provinces, each followed by its kabupaten/kota, for an office's area."""
    regions = db.session.scalars(
        select(Region)
        .where(Region.level.in_([RegionLevel.PROVINSI, RegionLevel.KABUPATEN]))
        .order_by(Region.name)
    ).all()
    by_parent: dict[int | None, list[Region]] = {}
    for region in regions:
        by_parent.setdefault(region.parent_id, []).append(region)
    choices: list[tuple] = [("", _("— pilih wilayah —"))]
    for province in by_parent.get(None, []):
        choices.append((province.id, province.display_name))
        choices.extend((kab.id, f"    {kab.name}") for kab in by_parent.get(province.id, []))
    return select_choices(choices)


def _organization_form(org: Organization | None) -> OrganizationForm:
    """The profile form; only admins see the level and area fields."""
    form = OrganizationForm(obj=org)
    if current_user.is_admin:
        form.region_id.choices = _region_choices()
    else:
        del form.level
        del form.region_id
    return form


def _organization_data(form: OrganizationForm, org: Organization | None) -> services.OrganizationData:
    return services.OrganizationData(
        **{
            name: getattr(form, name).data or ""
            for name in (
                "name",
                "address",
                "phone",
                "email",
                "website",
                "letterhead",
                "city",
                "signatory_name",
                "signatory_nip",
                "signatory_title",
            )
        },
        level=form.level.data if org is None or "level" in form else org.level,
        region_id=form.region_id.data if org is None or "region_id" in form else org.region_id,
    )


@organizations_bp.route("/")
def organizations_index():
    """Offices: all of them for an admin; an organizer goes straight to their own."""
    if not current_user.is_admin:
        return redirect(url_for("organizations.organization_edit", org_id=current_user.organization_id))
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template("accounts/organizations.html", organizations=organizations)


@organizations_bp.route("/baru", methods=["GET", "POST"])
def organization_create():
    """Register a new Diskominfo office (admins)."""
    if not current_user.is_admin:
        abort(403)
    form = _organization_form(None)
    if form.validate_on_submit():
        try:
            org = services.create_organization(current_user, _organization_data(form, None))
        except DomainError as error:
            form.name.errors.append(error.message)
        else:
            flash(_("Organisasi %(name)s ditambahkan.", name=org.name), "success")
            return redirect(url_for("organizations.organizations_index"))
    return render_template("accounts/organization_form.html", form=form, org=None)


@organizations_bp.route("/<int:org_id>", methods=["GET", "POST"])
def organization_edit(org_id: int):
    """An office profile: contact details, kop surat, signatory and logo."""
    org = get_scoped_or_404(Organization, org_id, current_user, owner_column="id")
    form = _organization_form(org)
    if form.validate_on_submit():
        logo = form.logo.data.read() if form.logo.data else None
        try:
            services.update_organization(
                current_user, org, _organization_data(form, org), logo, current_app.config["UPLOAD_DIR"]
            )
        except DomainError as error:
            field = form.logo if error.code.startswith("logo") else form.name
            field.errors.append(error.message)
        else:
            flash(_("Profil organisasi disimpan."), "success")
            return redirect(url_for("organizations.organization_edit", org_id=org.id))
    return render_template("accounts/organization_form.html", form=form, org=org)


# --- An office's WhatsApp number ------------------------------------------------------------------


def _account_data(form: WhatsAppForm) -> outbox.AccountData:
    return outbox.AccountData(
        provider=form.provider.data or "",
        display_number=form.display_number.data or "",
        max_per_second=form.max_per_second.data or 0,
        phone_number_id=form.phone_number_id.data or "",
        access_token=form.access_token.data or "",
        app_secret=form.app_secret.data or "",
        gateway_url=form.gateway_url.data or "",
        gateway_token_header=form.gateway_token_header.data or "",
        gateway_token=form.gateway_token.data or "",
        gateway_phone_field=form.gateway_phone_field.data or "",
        gateway_text_field=form.gateway_text_field.data or "",
    )


@organizations_bp.route("/<int:org_id>/whatsapp", methods=["GET", "POST"])
def whatsapp_settings(org_id: int):
    """An office's WhatsApp number: the provider and its credentials (stored sealed, never shown
    again), the webhook address for Meta, a test message and the template catalogue."""
    org = get_scoped_or_404(Organization, org_id, current_user, owner_column="id")
    account = outbox.whatsapp_account(org.id)
    form = WhatsAppForm(obj=account)
    if form.is_submitted():
        # The form's checks and the service's rules together, so every problem shows at once.
        form.validate()
        data = _account_data(form)
        show_problems(form, outbox.whatsapp_account_problems(org.id, data), {}, "provider")
        if not form.errors:
            outbox.save_whatsapp_account(org.id, data, utcnow())
            flash(_("Pengaturan WhatsApp disimpan. Kirim pesan uji untuk memeriksanya."), "success")
            return redirect(url_for("organizations.whatsapp_settings", org_id=org.id))
    return render_template(
        "accounts/whatsapp.html",
        org=org,
        account=account,
        form=form,
        test_form=TestWhatsAppForm(),
        templates=catalogue.TEMPLATES.values(),
        webhook_url=public_url("outbox.whatsapp_webhook", account_id=account.id) if account else None,
        file_path=current_app.config.get("WHATSAPP_FILE_PATH"),
    )


@organizations_bp.route("/<int:org_id>/whatsapp/uji", methods=["POST"])
def whatsapp_test(org_id: int):
    """'Kirim pesan uji': one message now, and what the provider answered."""
    org = get_scoped_or_404(Organization, org_id, current_user, owner_column="id")
    form = TestWhatsAppForm()
    if not form.validate_on_submit():
        flash(_("Isi nomor tujuan pesan uji."), "error")
    else:
        try:
            message = outbox.send_test_whatsapp(org.id, org.name, form.phone.data, utcnow())
        except DomainError as error:
            flash(error.message, "error")
        else:
            if message.status in LEFT:
                flash(_("Pesan uji terkirim ke %(to)s.", to=message.addressee), "success")
            else:
                flash(_("Pesan uji gagal: %(reason)s", reason=message.last_error), "error")
    return redirect(url_for("organizations.whatsapp_settings", org_id=org.id))


@organizations_bp.route("/<int:org_id>/whatsapp/hapus", methods=["POST"])
def whatsapp_remove(org_id: int):
    """Stop sending from the office's number (its stored credentials are deleted)."""
    org = get_scoped_or_404(Organization, org_id, current_user, owner_column="id")
    if request.form.get("yakin") != "1":
        flash(_("Centang 'Ya, hapus' untuk menghapus pengaturan WhatsApp."), "error")
    else:
        outbox.remove_whatsapp_account(org.id)
        flash(_("Pengaturan WhatsApp dihapus; pesan WhatsApp menunggu sampai nomor diatur lagi."), "success")
    return redirect(url_for("organizations.whatsapp_settings", org_id=org.id))


@organizations_bp.route("/<int:org_id>/whatsapp/templat.json")
def whatsapp_templates(org_id: int):
    """The template catalogue as Meta's template registration takes it, to submit for approval."""
    get_scoped_or_404(Organization, org_id, current_user, owner_column="id")
    body = json.dumps(catalogue.cloud_api_definitions(), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="templat-whatsapp-eventapp.json"'},
    )


# --- Messages that could not be delivered (admins only) -------------------------------------------


@messages_bp.route("/", methods=["GET", "POST"])
def failed_messages():
    """Messages given up on, with the reason, and those still being retried; send again."""
    form = RequeueForm()
    if form.validate_on_submit():
        chosen = None if form.send_all.data else [i for i in form.message_ids.data or [] if i]
        requeued = outbox.requeue(chosen, utcnow())
        send_committed(*requeued)
        flash(_("%(n)d pesan dikirim ulang.", n=len(requeued)), "success")
        return redirect(url_for("messages.failed_messages"))
    return render_template(
        "accounts/failed_messages.html",
        form=form,
        failed=outbox.failed_messages(),
        retrying=outbox.retrying_messages(),
        zone=current_app.config["DEFAULT_TIMEZONE"],
        whatsapp_files=bool(current_app.config.get("WHATSAPP_FILE_PATH")),
    )


@messages_bp.route("/whatsapp")
def whatsapp_files():
    """Development: the WhatsApp messages written as files (offices without a number)."""
    folder = current_app.config.get("WHATSAPP_FILE_PATH")
    if not folder:
        abort(404)
    return render_template(
        "accounts/whatsapp_files.html", folder=folder, messages=whatsapp.written_messages(Path(folder))
    )
