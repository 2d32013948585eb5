"""Spreadsheet files in and out: XLSX (XlsxWriter/openpyxl) and CSV that Excel opens (UTF-8 BOM)."""

import csv
import io
import itertools
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from flask import Response, request, stream_with_context
from flask_babel import gettext as _
from openpyxl import load_workbook
from werkzeug.wsgi import wrap_file

from eventapp.errors import ValidationFailed

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 10_000
IMPORT_MAX_COLUMNS = 100


# A cell starting with one of these is a formula to Excel and LibreOffice (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> object:
    """A value as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_lines(headers: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """CSV a line at a time, starting with a byte-order mark so that Excel on Windows reads
    the Indonesian text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for n, row in enumerate(itertools.chain([headers], rows)):
        writer.writerow([_csv_cell(value) for value in row])
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield "\ufeff" + line if n == 0 else line


def to_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    return "".join(_csv_lines(headers, rows)).encode("utf-8")


def _write_xlsx(
    target, headers: Sequence[str], rows: Iterable[Sequence], sheet_name: str, streaming: bool
) -> None:
    """One sheet with a bold, frozen header row, a filter and readable column widths. With
    `streaming`, each row goes to disk as it is written, so memory stays flat however many."""
    import xlsxwriter

    # Text is written as text: no cell becomes a formula or a link, whatever someone typed.
    options = {"remove_timezone": True, "strings_to_formulas": False, "strings_to_urls": False}
    options |= {"constant_memory": True} if streaming else {"in_memory": True}
    workbook = xlsxwriter.Workbook(target, options)
    # Excel refuses these characters in a sheet's name (a form titled "Hari 1/2", say).
    sheet = workbook.add_worksheet(re.sub(r"[\[\]:*?/\\]", " ", sheet_name)[:31].strip() or "Data")
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    widths = [len(header) for header in headers]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(count, col, value, time_format)
                widths[col] = max(widths[col], 16)
            elif isinstance(value, date):
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


def to_xlsx(headers: Sequence[str], rows: Iterable[Sequence], sheet_name: str) -> bytes:
    buffer = io.BytesIO()
    _write_xlsx(buffer, headers, rows, sheet_name, streaming=False)
    return buffer.getvalue()


MIMETYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def spreadsheet_response(
    fmt: str, headers: Sequence[str], rows: Iterable[Sequence], sheet_name: str, filename: str
) -> Response:
    """A download of `rows` as `filename`.xlsx or `filename`.csv, in bounded memory: CSV is
    sent line by line as the rows come, XLSX written row by row to a temporary file that is
    sent and removed. `rows` may be a generator reading the database as it goes."""
    disposition = {"Content-Disposition": f"attachment; filename={filename}.{fmt}"}
    if fmt == "csv":
        lines = stream_with_context(line.encode("utf-8") for line in _csv_lines(headers, rows))
        return Response(lines, mimetype=MIMETYPES[fmt], headers=disposition)
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        _write_xlsx(path, headers, rows, sheet_name, streaming=True)
        file = open(path, "rb")  # noqa: SIM115 (the response closes it)
    finally:
        os.unlink(path)  # the open file stays readable until it is closed
    return Response(
        wrap_file(request.environ, file),
        mimetype=MIMETYPES[fmt],
        headers=disposition,
        direct_passthrough=True,
    )


def read_rows(filename: str, content: bytes) -> list[tuple]:
    """The non-empty rows of an uploaded CSV or XLSX, the header included. The file is read
    row by row and reading stops past IMPORT_MAX_ROWS, so a huge sheet costs no more than a
    full one; ValidationFailed with a message for people when the file cannot be read."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationFailed(_("Berkas terlalu besar: maksimal 5 MB."), "file_too_large")
    name = filename.lower()
    if name.endswith(".xlsx"):
        rows = _xlsx_rows(content)
    elif name.endswith(".csv"):
        rows = _csv_rows(content)
    else:
        raise ValidationFailed(_("Jenis berkas tidak didukung: unggah berkas .xlsx atau .csv."), "file_type")
    kept: list[tuple] = []
    for row in rows:
        if all(value in (None, "") for value in row):
            continue
        if len(kept) > IMPORT_MAX_ROWS:  # the header and IMPORT_MAX_ROWS rows are kept already
            raise ValidationFailed(
                _("Terlalu banyak baris: maksimal %(n)d.", n=IMPORT_MAX_ROWS), "file_too_long"
            )
        if len(row) > IMPORT_MAX_COLUMNS:
            raise ValidationFailed(
                _("Terlalu banyak kolom: maksimal %(n)d.", n=IMPORT_MAX_COLUMNS), "file_too_wide"
            )
        kept.append(tuple(row))
    return kept


def read_table(filename: str, content: bytes) -> list[dict[str, object]]:
    """Rows of an uploaded CSV or XLSX as dicts keyed by the lower-case header."""
    rows = read_rows(filename, content)
    if not rows:
        raise ValidationFailed(_("Berkas kosong: tidak ada baris judul kolom."), "file_empty")
    headers = [str(cell or "").strip().lower() for cell in rows[0]]
    return [
        {header: value for header, value in zip(headers, values, strict=False) if header}
        for values in rows[1:]
    ]


def _xlsx_rows(content: bytes) -> Iterator[tuple]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(
            _("Berkas XLSX tidak dapat dibaca. Simpan ulang dari Excel lalu coba lagi."), "file_unreadable"
        )
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[tuple]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        yield from (tuple(row) for row in reader)
    except csv.Error as error:
        if "field limit" in str(error):
            why = _("ada sel yang terlalu panjang")
        elif "new-line" in str(error):
            why = _("ada ganti baris di luar tanda kutip")
        else:
            why = _("tanda kutip atau pemisah kolom tidak berpasangan")
        raise ValidationFailed(
            _(
                "Berkas CSV rusak di baris %(line)d: %(why)s. Simpan ulang dari Excel lalu coba lagi.",
                line=reader.line_num,
                why=why,
            ),
            "file_unreadable",
        )
