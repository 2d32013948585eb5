"""KIM registry rules: create and edit groups and members, list, import and export."""

import re
from dataclasses import dataclass, field
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
    GENDER_LABELS,
    MAX_MEMBERS,
    MIN_MEMBERS,
    OCCUPATION_LABELS,
    POSITION_LABELS,
    Gender,
    Kim,
    KimMember,
    Occupation,
    Position,
    new_chair_code,
)
from eventapp.phones import InvalidPhone, normalize_phone
from eventapp.regions.models import Region, RegionLevel
from eventapp.regions.services import ancestry, find_child_by_name, is_within


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
    values["phone"] = _optional_phone(data.phone)
    return values


def _optional_phone(raw: str) -> str | None:
    if not raw or not raw.strip():
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhone as exc:
        raise ValidationFailed(str(exc), "phone_invalid")


def _phone_taken_message(other: KimMember, organization_id: int) -> str:
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
        super().__init__(next(iter(problems.values())), "member_invalid")
        self.problems = problems


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
    for key, clean in (("phone", _optional_phone), ("email", _optional_email)):
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
            problems["phone"] = _phone_taken_message(other, kim.organization_id)
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


# --- Import and export --------------------------------------------------------------------

KIM_COLUMNS = [
    "nomor_induk",
    "nama_kim",
    "kabupaten_kota",
    "kecamatan",
    "desa_kelurahan",
    "alamat",
    "tanggal_berdiri",
    "nomor_sk",
    "telepon_kim",
    "status",
    "website",
    "facebook",
    "instagram",
    "youtube",
]
MEMBER_COLUMNS = ["nama_anggota", "jabatan", "jenis_kelamin", "tahun_lahir", "pekerjaan", "no_hp", "email"]
COLUMNS = KIM_COLUMNS + MEMBER_COLUMNS
REQUIRED_COLUMNS = ["nomor_induk", "nama_kim", "kabupaten_kota", "kecamatan", "desa_kelurahan"]
EXAMPLE_ROWS = [
    [
        "KIM-6202-001",
        "KIM Mentaya Bersinar",
        "Kotawaringin Timur",
        "Kota Besi",
        "Kota Besi Hulu",
        "Jl. Jenderal Sudirman No. 1",
        "2021-03-15",
        "188.45/123/DISKOMINFO/2021",
        "0531-21234",
        "aktif",
        "",
        "",
        "",
        "",
        "Siti Rahmah",
        "ketua",
        "P",
        1985,
        "pedagang",
        "0812-5000-1001",
        "siti@example.com",
    ],
    [
        "KIM-6202-001",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "Ahmad Fauzi",
        "anggota",
        "L",
        2001,
        "pelajar/mahasiswa",
        "0812-5000-1002",
        "",
    ],
]


def _label_lookup(labels: dict) -> dict[str, str]:
    lookup = {}
    for value, label in labels.items():
        lookup[str(value).lower()] = value
        lookup[str(label).lower()] = value
    return lookup


_POSITIONS = _label_lookup(POSITION_LABELS)
_OCCUPATIONS = _label_lookup(OCCUPATION_LABELS) | {
    "pelajar": Occupation.PELAJAR,
    "mahasiswa": Occupation.PELAJAR,
    "irt": Occupation.IRT,
}
_GENDERS = _label_lookup(GENDER_LABELS) | {
    "laki laki": Gender.LAKI_LAKI,
    "lk": Gender.LAKI_LAKI,
    "pr": Gender.PEREMPUAN,
}
_STATUSES = {"aktif": True, "tidak aktif": False, "tidak_aktif": False, "nonaktif": False}


@dataclass
class RowError:
    line: int  # line in the file as a spreadsheet shows it (header is line 1)
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    kims_created: int = 0
    members_created: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})$", "ymd"),
        (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", "dmy"),
    ):
        match = re.match(pattern, text)
        if match:
            parts = dict(zip(order, map(int, match.groups()), strict=True))
            return date(parts["y"], parts["m"], parts["d"])
    raise ValueError(text)


class _RegionMatcher:
    """Resolves typed kabupaten / kecamatan / desa names once per distinct spelling."""

    def __init__(self, area: Region | None):
        self.area = area
        self.cache: dict[tuple, Region | None] = {}
        self.provinces: list[Region] | None = None

    def find(self, parent_id: int | None, level: RegionLevel, name: str) -> Region | None:
        key = (parent_id, level, name.strip().lower())
        if key not in self.cache:
            self.cache[key] = find_child_by_name(parent_id, level, name)
        return self.cache[key]

    def kabupaten(self, name: str) -> Region | None:
        area = self.area
        if area is not None and area.level == RegionLevel.KABUPATEN:
            found = self.find(area.parent_id, RegionLevel.KABUPATEN, name)
            return found if found is area else None
        if area is not None:
            return self.find(area.id, RegionLevel.KABUPATEN, name)
        for province in self._provinces():
            found = self.find(province.id, RegionLevel.KABUPATEN, name)
            if found:
                return found
        return None

    def _provinces(self) -> list[Region]:
        if self.provinces is None:
            self.provinces = list(
                db.session.scalars(select(Region).where(Region.level == RegionLevel.PROVINSI))
            )
        return self.provinces


def _parse_kim_row(record: dict, line: int, matcher: _RegionMatcher, errors: list[RowError]) -> dict:
    def fail(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    values: dict = {
        "registration_number": _text(record.get("nomor_induk")),
        "name": _text(record.get("nama_kim")),
    }
    if not values["name"]:
        fail("nama_kim", _("Nama KIM wajib diisi."))
    kabupaten = kecamatan = village = None
    kab_name = _text(record.get("kabupaten_kota"))
    if not kab_name:
        fail("kabupaten_kota", _("Kabupaten/kota wajib diisi."))
    else:
        kabupaten = matcher.kabupaten(kab_name)
        if kabupaten is None:
            fail(
                "kabupaten_kota",
                _('Kabupaten/kota "%(name)s" tidak dikenal atau di luar wilayah Anda.', name=kab_name),
            )
    if kabupaten is not None:
        kec_name = _text(record.get("kecamatan"))
        kecamatan = matcher.find(kabupaten.id, RegionLevel.KECAMATAN, kec_name) if kec_name else None
        if kecamatan is None:
            fail(
                "kecamatan",
                _('Kecamatan "%(name)s" tidak ada di %(kab)s.', name=kec_name, kab=kabupaten.name),
            )
    if kecamatan is not None:
        desa_name = _text(record.get("desa_kelurahan"))
        village = matcher.find(kecamatan.id, RegionLevel.DESA, desa_name) if desa_name else None
        if village is None:
            fail(
                "desa_kelurahan",
                _(
                    'Desa/kelurahan "%(name)s" tidak ada di Kecamatan %(kec)s.',
                    name=desa_name,
                    kec=kecamatan.name,
                ),
            )
    values["village_id"] = village.id if village else None
    values["address"] = _text(record.get("alamat"))
    try:
        values["founded_on"] = _parse_date(record.get("tanggal_berdiri"))
    except ValueError:
        fail("tanggal_berdiri", _("Tanggal tidak dikenali: tulis seperti 2021-03-15 atau 15/03/2021."))
    values["decree_number"] = _text(record.get("nomor_sk"))
    try:
        values["phone"] = _optional_phone(_text(record.get("telepon_kim")))
    except ValidationFailed as exc:
        fail("telepon_kim", exc.message)
    status = _text(record.get("status")).lower() or "aktif"
    if status not in _STATUSES:
        fail("status", _('Status harus "aktif" atau "tidak aktif".'))
    values["active"] = _STATUSES.get(status, True)
    for column, attribute in (
        ("website", "website_url"),
        ("facebook", "facebook_url"),
        ("instagram", "instagram_url"),
        ("youtube", "youtube_url"),
    ):
        values[attribute] = _text(record.get(column))
        if values[attribute] and not textrules.is_web_url(values[attribute]):
            fail(column, str(textrules.WEB_URL_MESSAGE))
    return values


# The import's columns for the member fields that check_member judges.
MEMBER_COLUMN_OF = {
    "name": "nama_anggota",
    "gender": "jenis_kelamin",
    "position": "jabatan",
    "occupation": "pekerjaan",
    "birth_year": "tahun_lahir",
    "phone": "no_hp",
    "email": "email",
}


def _parse_member_row(record: dict, line: int, errors: list[RowError], this_year: int) -> dict | None:
    """A row's member, read into the form's terms (a label or a code becomes its value; text
    that matches nothing is passed on as typed, for check_member to name it)."""
    if not any(_text(record.get(column)) for column in MEMBER_COLUMNS):
        return None
    position = _text(record.get("jabatan")).lower() or Position.ANGGOTA
    gender = _text(record.get("jenis_kelamin")).lower()
    occupation = _text(record.get("pekerjaan")).lower() or Occupation.LAINNYA
    year = _text(record.get("tahun_lahir"))
    values, problems = check_member(
        MemberData(
            name=_text(record.get("nama_anggota")),
            gender=_GENDERS.get(gender, gender),
            position=_POSITIONS.get(position, position),
            occupation=_OCCUPATIONS.get(occupation, occupation),
            birth_year=int(year) if year.isdigit() else None,
            phone=_text(record.get("no_hp")),
            email=_text(record.get("email")),
        ),
        this_year,
    )
    if year and not year.isdigit():
        problems["birth_year"] = birth_year_message(this_year)
    errors.extend(RowError(line, MEMBER_COLUMN_OF[field], message) for field, message in problems.items())
    return values


def import_kims(actor: User, organization: Organization, records: list[dict], now: datetime) -> ImportResult:
    """Add KIM and their members from spreadsheet rows: all of them, or none.

    One row per member; rows with the same nomor induk belong to one KIM and the KIM columns
    may be left empty after its first row. Every problem in the file is reported with its line
    and column; if there is any, the database is left exactly as it was.
    """
    require_manager(actor, organization.id)
    result = ImportResult()
    if not records:
        result.errors.append(RowError(1, "", _("Berkas tidak berisi baris data.")))
        return result
    missing = [column for column in REQUIRED_COLUMNS if column not in records[0]]
    if missing:
        result.errors.append(
            RowError(1, ", ".join(missing), _("Kolom wajib tidak ada. Gunakan berkas templat."))
        )
        return result

    matcher = _RegionMatcher(organization.region)
    kims: dict[str, dict] = {}  # lower-case nomor induk → {"line", "values", "members"}
    phones: dict[str, int] = {}  # phone → first line it appears on
    for index, record in enumerate(records):
        line = index + 2
        number = _text(record.get("nomor_induk"))
        if not number:
            result.errors.append(RowError(line, "nomor_induk", _("Nomor induk wajib diisi.")))
            continue
        entry = kims.get(number.lower())
        if entry is None:
            entry = {
                "line": line,
                "values": _parse_kim_row(record, line, matcher, result.errors),
                "members": [],
            }
            kims[number.lower()] = entry
        elif _text(record.get("nama_kim")) and _text(record.get("nama_kim")) != entry["values"]["name"]:
            result.errors.append(
                RowError(
                    line,
                    "nama_kim",
                    _(
                        'Nomor induk %(number)s sudah dipakai "%(name)s" di baris %(first)d.',
                        number=number,
                        name=entry["values"]["name"],
                        first=entry["line"],
                    ),
                )
            )
        member = _parse_member_row(record, line, result.errors, now.year)
        if member is None:
            continue
        if member.get("phone"):
            if member["phone"] in phones:
                result.errors.append(
                    RowError(
                        line,
                        "no_hp",
                        _("Nomor HP sama dengan baris %(first)d.", first=phones[member["phone"]]),
                    )
                )
            else:
                phones[member["phone"]] = line
        entry["members"].append(member)

    taken_numbers = set(
        db.session.scalars(
            select(func.lower(Kim.registration_number)).where(
                Kim.organization_id == organization.id, func.lower(Kim.registration_number).in_(list(kims))
            )
        )
    )
    for key, entry in kims.items():
        if key in taken_numbers:
            result.errors.append(
                RowError(
                    entry["line"],
                    "nomor_induk",
                    _(
                        "Nomor induk %(number)s sudah terdaftar.",
                        number=entry["values"]["registration_number"],
                    ),
                )
            )
    taken_phones = db.session.scalars(
        select(KimMember).where(KimMember.phone.in_(list(phones))).options(selectinload(KimMember.kim))
    )
    for holder in taken_phones:
        result.errors.append(
            RowError(phones[holder.phone or ""], "no_hp", _phone_taken_message(holder, organization.id))
        )

    if result.errors:
        result.errors.sort(
            key=lambda error: (error.line, COLUMNS.index(error.column) if error.column in COLUMNS else -1)
        )
        return result

    for entry in kims.values():
        kim = Kim(organization_id=organization.id, **entry["values"])
        kim.members = [KimMember(**member) for member in entry["members"]]
        db.session.add(kim)
        result.kims_created += 1
        result.members_created += len(entry["members"])
        warning = member_count_warning(len(entry["members"]))
        if warning:
            result.warnings.append(f"{kim.name}: {warning}")
    db.session.commit()
    return result


def export_rows(actor: User, filters: KimFilters) -> list[list]:
    """The registry in the import layout (one row per member), so an export can be edited and
    imported elsewhere. Loads everything in three queries."""
    stmt = kim_query(actor, filters).options(selectinload(Kim.members))
    rows = []
    for kim in db.session.scalars(stmt):
        chain = ancestry(kim.village)
        base = [
            kim.registration_number,
            kim.name,
            chain["kabupaten"].name,
            chain["kecamatan"].name,
            chain["desa"].name,
            kim.address,
            kim.founded_on,
            kim.decree_number,
            kim.phone or "",
            "aktif" if kim.active else "tidak aktif",
            kim.website_url,
            kim.facebook_url,
            kim.instagram_url,
            kim.youtube_url,
        ]
        if not kim.members:
            rows.append(base + [""] * len(MEMBER_COLUMNS))
        for member in kim.members:
            member_values = [member.name, member.position, member.gender, member.birth_year or ""]
            member_values += [member.occupation, member.phone or "", member.email or ""]
            rows.append(base + member_values)
    return rows
