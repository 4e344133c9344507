"""Write rows of an export as CSV or XLSX, streaming or into a file, a chunk at a time."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .columns import ExportSpec

CHUNK_SIZE = 2000
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection):
# such text is written with a leading apostrophe in CSV and as plain text in XLSX.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local(value: datetime) -> datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return _local(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def xlsx_cell(sheet, value) -> WriteOnlyCell:
    if isinstance(value, bool):
        value = _("Yes") if value else _("No")
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if value is None or isinstance(value, int | Decimal):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    cell.data_type = "s"  # never a formula, whatever the text starts with
    return cell


def iter_rows(spec: ExportSpec, queryset, user, *, chunk_size: int = CHUNK_SIZE) -> Iterator[list]:
    """The rows as ``user`` may see them; the database is read ``chunk_size`` rows at a time."""
    for obj in queryset.iterator(chunk_size=chunk_size):
        yield spec.row(obj, user)


class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def stream_csv(spec: ExportSpec, queryset, user, *, language: str) -> Iterator[bytes]:
    """CSV for a StreamingHttpResponse: UTF-8 with a BOM so spreadsheet programs read it right."""
    with translation.override(language):
        writer = csv.writer(_Echo())
        yield ("\ufeff" + writer.writerow(spec.headers())).encode()
        for row in iter_rows(spec, queryset, user):
            yield writer.writerow([csv_cell(v) for v in row]).encode()


def write_csv(spec: ExportSpec, queryset, user, fileobj, *, progress: Callable[[int], None] | None = None) -> int:
    """Write the whole export to a text file opened with newline=""; returns the row count."""
    writer = csv.writer(fileobj)
    fileobj.write("\ufeff")
    writer.writerow(spec.headers())
    count = 0
    for row in iter_rows(spec, queryset, user):
        writer.writerow([csv_cell(v) for v in row])
        count += 1
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    return count


def write_xlsx(spec: ExportSpec, queryset, user, target, *, progress: Callable[[int], None] | None = None) -> int:
    """Write the export to ``target`` (a path or binary file) in openpyxl's write-only mode,
    which keeps memory flat whatever the row count; returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(spec.title)[:31])
    sheet.freeze_panes = "A2"
    headers = spec.headers()
    for index, header in enumerate(headers):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(12, min(40, len(header) + 4))
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = xlsx_cell(sheet, header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in iter_rows(spec, queryset, user):
        sheet.append([xlsx_cell(sheet, v) for v in row])
        count += 1
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    workbook.save(target)
    return count
