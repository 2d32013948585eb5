"""Organizer pages of the KIM registry under /kelola/kim."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from eventapp.accounts.access import get_scoped_or_404, require_roles
from eventapp.accounts.forms import bind_organization_field
from eventapp.accounts.models import Role
from eventapp.dbtypes import utcnow
from eventapp.edges import belonging_or_404, paginate
from eventapp.errors import DomainError, ValidationFailed
from eventapp.forms import optional_int, show_error
from eventapp.kim import services, spreadsheet
from eventapp.kim.forms import ImportForm, KimForm, MemberForm
from eventapp.kim.models import Kim, KimMember
from eventapp.phones import display_phone
from eventapp.regions.models import Region
from eventapp.regions.services import children, kabupaten_in
from eventapp.tabular import read_table, spreadsheet_response

bp = Blueprint("kim", __name__, url_prefix="/kelola/kim")
bp.before_request(require_roles(Role.ADMIN, Role.ORGANIZER))


def _filters() -> services.KimFilters:
    args = request.args
    kabupaten_id = optional_int(args.get("kabupaten"))
    kecamatan_id = optional_int(args.get("kecamatan"))
    return services.KimFilters(
        q=args.get("q", "")[:100],
        kabupaten_id=kabupaten_id,
        kecamatan_id=kecamatan_id if kabupaten_id else None,
        status=args.get("status", "") if args.get("status") in {"aktif", "tidak_aktif"} else "",
    )


def _actor_area() -> Region | None:
    return None if current_user.is_admin else current_user.organization.region


@bp.route("/")
def index():
    """The registry: search, filter by kabupaten/kecamatan/status, paginate."""
    filters = _filters()
    page = paginate(services.kim_query(current_user, filters), 25)
    kabupaten_options = kabupaten_in(_actor_area())
    kecamatan_options = children(filters.kabupaten_id) if filters.kabupaten_id else []
    return render_template(
        "kim/index.html",
        page=page,
        member_counts=services.member_counts([kim.id for kim in page.items]),
        filters=filters,
        kabupaten_options=kabupaten_options,
        kecamatan_options=kecamatan_options,
        member_count_warning=services.member_count_warning,
    )


@bp.route("/ekspor.<any(xlsx, csv):fmt>")
def export(fmt: str):
    """The filtered registry as a spreadsheet in the import layout."""
    rows = spreadsheet.export_rows(current_user, _filters())
    return spreadsheet_response(fmt, spreadsheet.COLUMNS, rows, "KIM", "kim")


@bp.route("/templat.<any(xlsx, csv):fmt>")
def template_file(fmt: str):
    """An empty import file with the expected columns and two example rows."""
    return spreadsheet_response(fmt, spreadsheet.COLUMNS, spreadsheet.EXAMPLE_ROWS, "KIM", "templat-kim")


def _kim_data(form: KimForm) -> services.KimData:
    return services.KimData(
        name=form.name.data or "",
        registration_number=form.registration_number.data or "",
        village_id=form.village_id.data,
        address=form.address.data or "",
        founded_on=form.founded_on.data,
        decree_number=form.decree_number.data or "",
        phone=form.phone.data or "",
        website_url=form.website_url.data or "",
        facebook_url=form.facebook_url.data or "",
        instagram_url=form.instagram_url.data or "",
        youtube_url=form.youtube_url.data or "",
    )


# Where each refusal of the KIM services is shown on the KIM form.
KIM_FIELD_OF_ERROR = {
    "number_taken": "registration_number",
    "number_required": "registration_number",
    "village_required": "village_id",
    "village_outside_area": "village_id",
    "phone_invalid": "phone",
    "organization_required": "organization_id",
}


def _wants_region_refresh(form) -> bool:
    return request.method == "POST" and form.refresh_regions.data


@bp.route("/baru", methods=["GET", "POST"])
def create():
    """Register a KIM."""
    form = KimForm()
    organization = bind_organization_field(form, current_user)
    form.bind_region_choices(kabupaten_in(organization.region if organization else None))
    if not _wants_region_refresh(form) and form.validate_on_submit():
        try:
            if organization is None:
                raise ValidationFailed(_("Pilih organisasi pembina."), "organization_required")
            kim = services.create_kim(current_user, organization, _kim_data(form))
        except DomainError as error:
            show_error(form, error, KIM_FIELD_OF_ERROR, "name")
        else:
            flash(_("KIM %(name)s terdaftar. Tambahkan anggotanya.", name=kim.name), "success")
            return redirect(url_for("kim.detail", kim_id=kim.id))
    return render_template("kim/form.html", form=form, kim=None)


@bp.route("/<int:kim_id>")
def detail(kim_id: int):
    """A KIM with its members, and a warning when the member count is outside 3–30."""
    kim = get_scoped_or_404(Kim, kim_id, current_user)
    return render_template(
        "kim/detail.html", kim=kim, warning=services.member_count_warning(len(kim.members))
    )


@bp.route("/<int:kim_id>/ubah", methods=["GET", "POST"])
def edit(kim_id: int):
    """Edit a KIM's details."""
    kim = get_scoped_or_404(Kim, kim_id, current_user)
    form = KimForm(obj=kim)
    del form.organization_id
    if request.method == "GET":
        form.prefill_regions(kim.village)
    form.bind_region_choices(kabupaten_in(kim.organization.region))
    if not _wants_region_refresh(form) and form.validate_on_submit():
        try:
            services.update_kim(current_user, kim, _kim_data(form))
        except DomainError as error:
            show_error(form, error, KIM_FIELD_OF_ERROR, "name")
        else:
            flash(_("Data KIM disimpan."), "success")
            return redirect(url_for("kim.detail", kim_id=kim.id))
    return render_template("kim/form.html", form=form, kim=kim)


@bp.route("/<int:kim_id>/status", methods=["POST"])
def set_status(kim_id: int):
    """Deactivate or reactivate a KIM."""
    kim = get_scoped_or_404(Kim, kim_id, current_user)
    active = request.form.get("active") == "1"
    services.set_kim_active(current_user, kim, active)
    flash(_("KIM diaktifkan kembali.") if active else _("KIM dinonaktifkan."), "success")
    return redirect(url_for("kim.detail", kim_id=kim.id))


@bp.route("/<int:kim_id>/kode-ketua", methods=["POST"])
def renew_chair_code(kim_id: int):
    """Give the KIM a new chair code; the old one stops working."""
    kim = get_scoped_or_404(Kim, kim_id, current_user)
    services.renew_chair_code(current_user, kim)
    flash(_("Kode ketua baru dibuat. Berikan kepada ketua KIM; kode lama tidak berlaku lagi."), "success")
    return redirect(url_for("kim.detail", kim_id=kim.id))


def _member_data(form: MemberForm) -> services.MemberData:
    return services.MemberData(
        name=form.name.data or "",
        gender=form.gender.data,
        position=form.position.data,
        birth_year=form.birth_year.data,
        occupation=form.occupation.data,
        phone=form.phone.data or "",
        email=form.email.data or "",
    )


def _member_form_ok(form: MemberForm) -> bool:
    """The form's checks and the member rules together, so every problem shows at once."""
    valid = form.validate_on_submit()
    if request.method != "POST":
        return False
    _values, problems = services.check_member(_member_data(form), utcnow().year)
    for field, message in problems.items():
        if not form[field].errors:
            form[field].errors.append(message)
    return valid and not problems


@bp.route("/<int:kim_id>/anggota/baru", methods=["GET", "POST"])
def member_create(kim_id: int):
    """Add a member to a KIM."""
    kim = get_scoped_or_404(Kim, kim_id, current_user)
    form = MemberForm()
    if _member_form_ok(form):
        try:
            member = services.add_member(current_user, kim, _member_data(form), utcnow())
        except DomainError as error:
            show_error(form, error, {}, "name")
        else:
            flash(_("%(name)s ditambahkan sebagai anggota.", name=member.name), "success")
            return redirect(url_for("kim.detail", kim_id=kim.id))
    return render_template("kim/member_form.html", form=form, kim=kim, member=None)


@bp.route("/<int:kim_id>/anggota/<int:member_id>", methods=["GET", "POST"])
def member_edit(kim_id: int, member_id: int):
    """Edit a member."""
    kim = get_scoped_or_404(Kim, kim_id, current_user)
    member = belonging_or_404(KimMember, member_id, kim_id=kim.id)
    form = MemberForm(obj=member)
    if request.method == "GET":
        form.phone.data = display_phone(member.phone)
    if _member_form_ok(form):
        try:
            services.update_member(current_user, member, _member_data(form), utcnow())
        except DomainError as error:
            show_error(form, error, {}, "name")
        else:
            flash(_("Data anggota disimpan."), "success")
            return redirect(url_for("kim.detail", kim_id=kim.id))
    return render_template("kim/member_form.html", form=form, kim=kim, member=member)


@bp.route("/<int:kim_id>/anggota/<int:member_id>/hapus", methods=["POST"])
def member_delete(kim_id: int, member_id: int):
    """Remove a member from a KIM."""
    kim = get_scoped_or_404(Kim, kim_id, current_user)
    member = belonging_or_404(KimMember, member_id, kim_id=kim.id)
    services.remove_member(current_user, member)
    flash(_("%(name)s dihapus dari daftar anggota.", name=member.name), "success")
    return redirect(url_for("kim.detail", kim_id=kim.id))


@bp.route("/impor", methods=["GET", "POST"])
def import_file():
    """Upload a CSV/XLSX of KIM and members; all rows go in, or none with a report per row."""
    form = ImportForm()
    organization = bind_organization_field(form, current_user)
    result = None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if organization is None:
                raise ValidationFailed(_("Pilih organisasi pembina."), "organization_required")
            records = read_table(upload.filename, upload.read())
            result = spreadsheet.import_kims(current_user, organization, records, utcnow())
        except DomainError as error:
            form.file.errors.append(error.message)
        else:
            if result.ok:
                flash(
                    _(
                        "Impor berhasil: %(kims)d KIM dan %(members)d anggota ditambahkan.",
                        kims=result.kims_created,
                        members=result.members_created,
                    ),
                    "success",
                )
                for warning in result.warnings:
                    flash(warning, "warning")
                return redirect(url_for("kim.index"))
    return render_template(
        "kim/import.html",
        form=form,
        result=result,
        columns=spreadsheet.COLUMNS,
        required_columns=spreadsheet.REQUIRED_COLUMNS,
    )
