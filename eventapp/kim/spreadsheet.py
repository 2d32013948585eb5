"""The KIM registry as a spreadsheet: the import (all rows or none, every problem reported with
its line and column) and the export in the same layout, so a file can go out and come back."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from eventapp import textrules
from eventapp.accounts.access import require_manager
from eventapp.accounts.models import Organization, User
from eventapp.errors import ValidationFailed
from eventapp.extensions import db
from eventapp.kim.models import (
    GENDER_LABELS,
    OCCUPATION_LABELS,
    POSITION_LABELS,
    Gender,
    Kim,
    KimMember,
    Occupation,
    Position,
)
from eventapp.kim.services import (
    KimFilters,
    MemberData,
    birth_year_message,
    check_member,
    kim_query,
    member_count_warning,
    optional_phone,
    phone_taken_message,
)
from eventapp.regions.models import Region, RegionLevel
from eventapp.regions.services import ancestry, find_child_by_name

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
        values["phone"] = optional_phone(_text(record.get("telepon_kim")))
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
            RowError(phones[holder.phone or ""], "no_hp", phone_taken_message(holder, organization.id))
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
