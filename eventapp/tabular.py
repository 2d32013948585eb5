"""Spreadsheet files in and out: XLSX (XlsxWriter/openpyxl) and CSV that Excel opens (UTF-8 BOM)."""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from flask import Response
from flask_babel import gettext as _
from openpyxl import load_workbook

from eventapp.errors import ValidationFailed

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000


# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> object:
    """A value as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """CSV with a byte-order mark, so Excel on Windows reads the Indonesian text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_csv_cell(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence], sheet_name: str) -> bytes:
    """One sheet with a bold, frozen header row, a filter and readable column widths."""
    import xlsxwriter

    buffer = io.BytesIO()
    # Text is written as text: no cell becomes a formula or a link, whatever someone typed.
    workbook = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "remove_timezone": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    widths = [len(header) for header in headers]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, date | datetime):
                sheet.write_datetime(count, col, value, date_format)
                widths[col] = max(widths[col], 10)
            elif value is None or value == "":
                continue
            elif isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(count, col, value)
                widths[col] = max(widths[col], len(str(value)))
            else:
                sheet.write_string(count, col, str(value))
                widths[col] = max(widths[col], min(len(str(value)), 50))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width + 2)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, count, len(headers) - 1)
    workbook.close()
    return buffer.getvalue()


MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def spreadsheet_response(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_name: str, filename: str
) -> Response:
    """A download of `rows` as `filename`.xlsx or `filename`.csv."""
    body = to_xlsx(headers, rows, sheet_name) if fmt == "xlsx" else to_csv(headers, rows)
    return Response(
        body,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename={filename}.{fmt}"},
    )


def read_rows(filename: str, content: bytes) -> list[tuple]:
    """The raw rows of an uploaded CSV or XLSX; ValidationFailed with a message for people
    when the file cannot be read at all."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationFailed(_("Berkas terlalu besar: maksimal 5 MB."), "file_too_large")
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx_rows(content)
    if name.endswith(".csv"):
        return [tuple(row) for row in _csv_rows(content)]
    raise ValidationFailed(_("Jenis berkas tidak didukung: unggah berkas .xlsx atau .csv."), "file_type")


def read_table(filename: str, content: bytes) -> list[dict[str, object]]:
    """Rows of an uploaded CSV or XLSX as dicts keyed by the lower-case header."""
    rows = read_rows(filename, content)
    if not rows:
        raise ValidationFailed(_("Berkas kosong: tidak ada baris judul kolom."), "file_empty")
    headers = [str(cell or "").strip().lower() for cell in rows[0]]
    records = []
    for values in rows[1:]:
        if all(value in (None, "") for value in values):
            continue
        records.append({header: value for header, value in zip(headers, values, strict=False) if header})
    if len(records) > IMPORT_MAX_ROWS:
        raise ValidationFailed(_("Terlalu banyak baris: maksimal %(n)d.", n=IMPORT_MAX_ROWS), "file_too_long")
    return records


def _xlsx_rows(content: bytes) -> list[tuple]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(
            _("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel lalu coba lagi."), "file_unreadable"
        )
    sheet = workbook.worksheets[0]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _csv_rows(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))
