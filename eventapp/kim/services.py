"""KIM registry rules: create and edit groups and members, list, import and export."""

from dataclasses import dataclass
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from eventapp import textrules
from eventapp.accounts.access import require_manager, scoped
from eventapp.accounts.models import Organization, User
from eventapp.errors import ValidationFailed
from eventapp.extensions import db
from eventapp.kim.models import (
    MAX_MEMBERS,
    MIN_MEMBERS,
    Gender,
    Kim,
    KimMember,
    Occupation,
    Position,
    new_chair_code,
)
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.regions.models import Region, RegionLevel
from eventapp.regions.services import is_within


@dataclass
class KimData:
    name: str
    registration_number: str
    village_id: int | None
    address: str = ""
    founded_on: date | None = None
    decree_number: str = ""
    phone: str = ""
    active: bool = True
    website_url: str = ""
    facebook_url: str = ""
    instagram_url: str = ""
    youtube_url: str = ""


@dataclass
class MemberData:
    name: str
    gender: str
    position: str = Position.ANGGOTA
    birth_year: int | None = None
    occupation: str = Occupation.LAINNYA
    phone: str = ""
    email: str = ""


def member_count_warning(count: int) -> str | None:
    """A KIM has 3–30 members; say so when this one does not."""
    if count < MIN_MEMBERS:
        return _(
            "KIM ini baru memiliki %(count)d anggota; sebuah KIM beranggotakan %(min)d–%(max)d orang.",
            count=count,
            min=MIN_MEMBERS,
            max=MAX_MEMBERS,
        )
    if count > MAX_MEMBERS:
        return _(
            "KIM ini memiliki %(count)d anggota, melebihi batas %(max)d orang; "
            "pertimbangkan untuk memecahnya.",
            count=count,
            max=MAX_MEMBERS,
        )
    return None


def _village_in_area(village_id: int | None, organization: Organization) -> Region:
    village = db.session.get(Region, village_id) if village_id else None
    if village is None or village.level != RegionLevel.DESA:
        raise ValidationFailed(_("Pilih desa/kelurahan KIM."), "village_required")
    if not is_within(village, organization.region):
        raise ValidationFailed(
            _("Desa/kelurahan ini berada di luar wilayah %(org)s.", org=organization.name),
            "village_outside_area",
        )
    return village


def _clean_kim(data: KimData, organization: Organization, existing: Kim | None) -> dict:
    if not data.name.strip():
        raise ValidationFailed(_("Nama KIM wajib diisi."), "name_required")
    number = data.registration_number.strip()
    if not number:
        raise ValidationFailed(_("Nomor induk wajib diisi."), "number_required")
    other = db.session.scalar(
        select(Kim).where(
            Kim.organization_id == organization.id, func.lower(Kim.registration_number) == number.lower()
        )
    )
    if other is not None and other is not existing:
        raise ValidationFailed(_("Nomor induk %(number)s sudah terdaftar.", number=number), "number_taken")
    _village_in_area(data.village_id, organization)
    links = (data.website_url, data.facebook_url, data.instagram_url, data.youtube_url)
    if not textrules.all_web_urls(links):
        raise ValidationFailed(str(textrules.WEB_URL_MESSAGE), "url_scheme")
    values = {key: (value.strip() if isinstance(value, str) else value) for key, value in vars(data).items()}
    values["registration_number"] = number
    values["phone"] = optional_phone(data.phone)
    return values


def optional_phone(raw: str) -> str | None:
    if not raw or not raw.strip():
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise ValidationFailed(str(exc), "phone_invalid")


def phone_taken_message(other: KimMember, organization_id: int) -> str:
    """A phone already in the registry: named within the office, anonymous across offices."""
    if other.kim.organization_id == organization_id:
        return _("Nomor HP ini sudah dipakai %(name)s (%(kim)s).", name=other.name, kim=other.kim.name)
    return _("Nomor HP ini sudah tercatat sebagai anggota KIM binaan kantor lain.")


def renew_chair_code(actor: User, kim: Kim) -> str:
    """Give the KIM a new chair code (the old one stops working), e.g. when the chair changes."""
    require_manager(actor, kim.organization_id)
    kim.chair_code = new_chair_code()
    db.session.commit()
    return kim.chair_code


def create_kim(actor: User, organization: Organization, data: KimData) -> Kim:
    """Register a KIM under the guiding office `organization`."""
    require_manager(actor, organization.id)
    kim = Kim(organization_id=organization.id, **_clean_kim(data, organization, None))
    db.session.add(kim)
    db.session.commit()
    return kim


def update_kim(actor: User, kim: Kim, data: KimData) -> Kim:
    """Edit a KIM's details, including activating or deactivating it."""
    require_manager(actor, kim.organization_id)
    for key, value in _clean_kim(data, kim.organization, kim).items():
        setattr(kim, key, value)
    db.session.commit()
    return kim


def set_kim_active(actor: User, kim: Kim, active: bool) -> Kim:
    """Deactivate a KIM that no longer meets (its history stays), or reactivate it."""
    require_manager(actor, kim.organization_id)
    kim.active = active
    db.session.commit()
    return kim


class InvalidMember(ValidationFailed):
    """Everything wrong with a member's details, at once: {field: message}."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(next(iter(problems.values())), "member_invalid", problems)


def birth_year_message(this_year: int) -> str:
    return _("Tahun lahir harus empat angka antara 1900 dan %(year)d, misalnya 1990.", year=this_year)


def check_member(data: MemberData, this_year: int) -> tuple[dict, dict[str, str]]:
    """The rules for a member's details, the same for the form and the spreadsheet import:
    the values to store, and {field: message} for every rule broken."""
    problems: dict[str, str] = {}
    if not data.name.strip():
        problems["name"] = _("Nama anggota wajib diisi.")
    if data.gender not in set(Gender):
        problems["gender"] = _("Jenis kelamin wajib diisi: L (laki-laki) atau P (perempuan).")
    if data.position not in set(Position):
        problems["position"] = _("Jabatan harus ketua, sekretaris, bendahara atau anggota.")
    if data.occupation not in set(Occupation):
        problems["occupation"] = _('Pekerjaan "%(value)s" tidak dikenal.', value=data.occupation)
    if data.birth_year is not None and not 1900 <= data.birth_year <= this_year:
        problems["birth_year"] = birth_year_message(this_year)
    values = {
        "name": data.name.strip(),
        "gender": data.gender,
        "position": data.position,
        "birth_year": data.birth_year,
        "occupation": data.occupation,
    }
    for key, clean in (("phone", optional_phone), ("email", _optional_email)):
        try:
            values[key] = clean(getattr(data, key))
        except ValidationFailed as error:
            problems[key] = error.message
    return values, problems


def _clean_member(data: MemberData, kim: Kim, existing: KimMember | None, now: datetime) -> dict:
    values, problems = check_member(data, now.year)
    if values.get("phone") and "phone" not in problems:
        other = db.session.scalar(select(KimMember).where(KimMember.phone == values["phone"]))
        if other is not None and other is not existing:
            problems["phone"] = phone_taken_message(other, kim.organization_id)
    if problems:
        raise InvalidMember(problems)
    return values


def _optional_email(raw: str) -> str | None:
    if not raw or not raw.strip():
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValidationFailed(_("Alamat e-mail tidak valid."), "email_invalid")


def add_member(actor: User, kim: Kim, data: MemberData, now: datetime) -> KimMember:
    """Add a member to a KIM."""
    require_manager(actor, kim.organization_id)
    member = KimMember(kim=kim, **_clean_member(data, kim, None, now))
    db.session.add(member)
    db.session.commit()
    return member


def update_member(actor: User, member: KimMember, data: MemberData, now: datetime) -> KimMember:
    """Edit a member's details."""
    require_manager(actor, member.kim.organization_id)
    for key, value in _clean_member(data, member.kim, member, now).items():
        setattr(member, key, value)
    db.session.commit()
    return member


def remove_member(actor: User, member: KimMember) -> None:
    """Take a member off a KIM's list."""
    require_manager(actor, member.kim.organization_id)
    db.session.delete(member)
    db.session.commit()


# --- Listing ------------------------------------------------------------------------------


@dataclass
class KimFilters:
    q: str = ""
    kabupaten_id: int | None = None
    kecamatan_id: int | None = None
    status: str = ""  # "aktif", "tidak_aktif" or "" for both


def member_counts(kim_ids: list[int]) -> dict[int, int]:
    """Members per KIM for a page of KIM, in one query."""
    rows = db.session.execute(
        select(KimMember.kim_id, func.count(KimMember.id))
        .where(KimMember.kim_id.in_(kim_ids))
        .group_by(KimMember.kim_id)
    )
    return dict.fromkeys(kim_ids, 0) | dict(rows.all())


def villages_of_kabupaten(kabupaten_id: int) -> Select:
    """The ids of every desa/kelurahan in a kabupaten/kota, as a subquery."""
    kecamatan = select(Region.id).where(Region.parent_id == kabupaten_id)
    return select(Region.id).where(Region.parent_id.in_(kecamatan))


def active_kims_in(kabupaten_id: int) -> list[Kim]:
    """Active KIM of a kabupaten/kota by name, for registration forms (any office's)."""
    return list(
        db.session.scalars(
            select(Kim)
            .where(Kim.active.is_(True), Kim.village_id.in_(villages_of_kabupaten(kabupaten_id)))
            .order_by(Kim.name)
        )
    )


def kim_query(actor: User, filters: KimFilters) -> Select:
    """KIM the actor may see, filtered, ordered by name.

    The village, kecamatan and kabupaten load in extra queries for a whole page at once.
    """
    stmt = (
        select(Kim)
        .options(selectinload(Kim.village).selectinload(Region.parent).selectinload(Region.parent))
        .order_by(Kim.name, Kim.id)
    )
    stmt = scoped(Kim, actor, stmt)
    if filters.q.strip():
        pattern = f"%{filters.q.strip().lower()}%"
        stmt = stmt.where(
            or_(func.lower(Kim.name).like(pattern), func.lower(Kim.registration_number).like(pattern))
        )
    if filters.kecamatan_id:
        villages = select(Region.id).where(Region.parent_id == filters.kecamatan_id)
        stmt = stmt.where(Kim.village_id.in_(villages))
    elif filters.kabupaten_id:
        stmt = stmt.where(Kim.village_id.in_(villages_of_kabupaten(filters.kabupaten_id)))
    if filters.status == "aktif":
        stmt = stmt.where(Kim.active.is_(True))
    elif filters.status == "tidak_aktif":
        stmt = stmt.where(Kim.active.is_(False))
    return stmt
