"""Language choice and the one place where dates and times are formatted for people."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from flask import current_app, has_app_context, has_request_context, session
from flask_babel import get_locale

# Indonesia's three zones have no daylight saving; these are the labels people read.
ZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def select_locale() -> str:
    """The language a person chose with the switch, else Indonesian (also outside requests:
    jobs and commands write Indonesian)."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return str(chosen)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def zone_label(tz_name: str) -> str:
    return ZONE_LABELS.get(tz_name, tz_name)


def _locale() -> str:
    return str(get_locale() or "id") if has_app_context() else "id"


def format_date(value: date | None, locale: str | None = None) -> str:
    """'Kamis, 14 Oktober 2021'."""
    if value is None:
        return ""
    return babel_format_date(value, "EEEE, d MMMM y", locale=locale or _locale())


def format_day(value: date | None, locale: str | None = None) -> str:
    """'14 Oktober 2021', as under a signature."""
    if value is None:
        return ""
    return babel_format_date(value, "d MMMM y", locale=locale or _locale())


def format_short_date(value: date | None, locale: str | None = None) -> str:
    """'14 Okt 2021', for table cells."""
    if value is None:
        return ""
    return babel_format_date(value, "d MMM y", locale=locale or _locale())


def format_days(first: date | None, last: date | None, locale: str | None = None) -> str:
    """The days an event runs, the Indonesian way: '15–16 Desember 2026', '30 November –
    2 Desember 2026', '30 Desember 2026 – 2 Januari 2027'; a one-day event names its weekday."""
    if first is None or last is None:
        return ""
    loc = locale or _locale()
    if first == last:
        return format_date(first, loc)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{format_day(last, loc)}"
    if first.year == last.year:
        return f"{babel_format_date(first, 'd MMMM', locale=loc)} – {format_day(last, loc)}"
    return f"{format_day(first, loc)} – {format_day(last, loc)}"


def format_figure(value: float | None, digits: int | None = None) -> str:
    """A score, average or share as the pages write it: a decimal comma ('3,25'), rounded to
    `digits` places when given; a dash when there is none."""
    if value is None:
        return "—"
    return str(value if digits is None else round(value, digits)).replace(".", ",")


def format_datetime(value: datetime | None, tz_name: str, locale: str | None = None) -> str:
    """A UTC instant shown in a zone with its label: 'Kamis, 14 Oktober 2021, 09.00 WIB'."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    local = value.astimezone(ZoneInfo(tz_name))
    loc = locale or _locale()
    # Indonesian writes times with a dot (09.00); Babel's own "id" pattern already does.
    time_part = babel_format_time(local.time(), "HH.mm" if loc == "id" else "HH:mm", locale=loc)
    return f"{format_date(local.date(), loc)}, {time_part} {zone_label(tz_name)}"


def format_hours(starts: datetime, ends: datetime, tz_name: str, locale: str | None = None) -> str:
    """'09.00–12.00 WITA'; a session past midnight names the day it ends."""
    loc = locale or _locale()
    pattern = "%H.%M" if loc == "id" else "%H:%M"
    start, end = utc_to_local(starts, tz_name), utc_to_local(ends, tz_name)
    if start.date() != end.date():
        return f"{start.strftime(pattern)} {zone_label(tz_name)} – {format_datetime(ends, tz_name, loc)}"
    return f"{start.strftime(pattern)}–{end.strftime(pattern)} {zone_label(tz_name)}"


def format_span(starts: datetime, ends: datetime, tz_name: str, locale: str | None = None) -> str:
    """A session the Indonesian way: 'Kamis, 14 Oktober 2021, 09.00–12.00 WIB'; one that
    runs past midnight names both days."""
    loc = locale or _locale()
    day = format_date(utc_to_local(starts, tz_name).date(), loc)
    return f"{day}, {format_hours(starts, ends, tz_name, loc)}"


def local_to_utc(day: date, at: time, tz_name: str) -> datetime:
    """A wall-clock time entered for an event's zone, as the UTC instant to store."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def utc_to_local(value: datetime, tz_name: str) -> datetime:
    return value.astimezone(ZoneInfo(tz_name))


def format_time(value: datetime | None, tz_name: str, with_label: bool = True) -> str:
    """'09.00 WIB'."""
    if value is None:
        return ""
    local = utc_to_local(value, tz_name)
    text = local.strftime("%H.%M" if _locale() == "id" else "%H:%M")
    return f"{text} {zone_label(tz_name)}" if with_label else text


def format_time_in_all_zones(value: datetime) -> str:
    """'09.00 WIB / 10.00 WITA / 11.00 WIT', so everyone in Indonesia reads their own hour."""
    return " / ".join(format_time(value, tz) for tz in ZONE_LABELS)
