"""A reproducible .xlsx through openpyxl: fixed properties and zip timestamps, styled for reading."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from generator.core.model import Draft
from generator.render.reproducible import normalize_zip

_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_TOP_WRAP = Alignment(wrap_text=True, vertical="top")


def workbook_bytes(draft: Draft, overview_title: str, overview: list[tuple[str, str]], sheet_title: str,
                   header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> bytes:
    """Overview sheet first, then the table sheet with frozen header, filters and wrapped text."""
    wb = Workbook()
    _overview(wb.active, draft.title, overview_title, overview)
    _table(wb.create_sheet(_sheet_name(sheet_title)), header, rows, widths)
    _properties(wb, draft)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # save_workbook() would stamp the clock into docProps/core.xml
    return normalize_zip(out.getvalue())


def _overview(ws, title: str, sheet_title: str, facts: list[tuple[str, str]]) -> None:
    ws.title = _sheet_name(sheet_title)
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(facts, 3):
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 2, value).alignment = _TOP_WRAP
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 70


def _table(ws, header: list[str], rows: list[list[str]], widths: tuple[int, ...]) -> None:
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = _TOP_WRAP
    for values in rows:
        ws.append(values)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _TOP_WRAP
            cell.data_type = "s"  # "1.2" or "=..." stay text, never a number or a formula
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _properties(wb: Workbook, draft: Draft) -> None:
    # From the agreement, never from the clock or the machine's user.
    stamp = dt.datetime.fromisoformat(draft.date)
    props = wb.properties
    props.title = draft.title
    props.creator = next((p.name for p in draft.parties if p.role == "customer"), "")
    props.lastModifiedBy = props.creator
    props.identifier = draft.id
    props.version = draft.version
    props.language = draft.language
    props.created = stamp
    props.modified = stamp


def _sheet_name(title: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet name.
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]
