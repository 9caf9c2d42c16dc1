"""A reproducible .xlsx through openpyxl: fixed properties and zip timestamps, styled for reading.

Every text cell is written as a string, never a formula: a title, party or service name, or a
bidder's answer that begins with `=` stays text.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from generator.core.model import Draft
from generator.core.rowfit import row_height
from generator.render.reproducible import normalize_zip

_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells a bidder fills in
_TOP_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(horizontal="center", vertical="top")


@dataclass
class Choices:
    """A drop-down on a column: the allowed values, and the words of its prompt and error."""

    column: int  # 1-based
    values: tuple[str, ...]
    prompt: str
    error: str


@dataclass
class TableSheet:
    """A sheet of one header row and rows of cells."""

    title: str
    header: list[str]
    rows: list[list]
    widths: tuple[int, ...]
    unlocked: tuple[int, ...] = ()  # 1-based columns the reader may fill in; with `protect`, the rest are locked
    hidden: tuple[int, ...] = ()
    choices: Choices | None = None
    protect: bool = False
    password: str | None = None  # with `protect`: needed to lift the protection
    heights: bool = True  # set each row's height from its text


@dataclass
class Overview:
    """The first sheet: a title, facts as label/value pairs, and optional small tables below them."""

    title: str
    sheet_title: str
    facts: list[tuple[str, str]]
    tables: list[tuple[str, list[str], list[list]]] = field(default_factory=list)  # (caption, header, rows)
    protect: bool = False
    password: str | None = None


def workbook_bytes(draft: Draft, overview: Overview, sheets: list[TableSheet]) -> bytes:
    """Overview sheet first, then each table sheet with frozen header, filters and wrapped text."""
    wb = Workbook()
    _overview(wb.active, overview)
    for sheet in sheets:
        _table(wb.create_sheet(_sheet_name(sheet.title)), sheet)
    _properties(wb, draft)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # compressed once, by normalize_zip
        ExcelWriter(wb, archive).save()  # save_workbook() would stamp the clock into docProps/core.xml
    return normalize_zip(out.getvalue())


def put(ws, row: int, column: int, value):
    """Write one cell; text always as a string (openpyxl would make `=...` a formula)."""
    cell = ws.cell(row, column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _overview(ws, ov: Overview) -> None:
    ws.title = _sheet_name(ov.sheet_title)
    put(ws, 1, 1, ov.title).font = Font(bold=True, size=14)
    row = 3
    for label, value in ov.facts:
        cell = put(ws, row, 1, label)
        cell.font, cell.alignment = Font(bold=True), _TOP_WRAP
        put(ws, row, 2, value).alignment = _TOP_WRAP
        ws.row_dimensions[row].height = row_height([label, value], [30, 80])
        row += 1
    for caption, header, rows in ov.tables:
        row += 1
        put(ws, row, 1, caption).font = Font(bold=True, size=12)
        row += 1
        for column, text in enumerate(header, 1):
            cell = put(ws, row, column, text)
            cell.font, cell.fill, cell.alignment = Font(bold=True, color="FFFFFF"), _HEADER_FILL, _TOP_WRAP
        for values in rows:
            row += 1
            for column, value in enumerate(values, 1):
                put(ws, row, column, value).alignment = _TOP_WRAP if isinstance(value, str) else _CENTRE
        row += 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 80
    for letter in "CDEF":
        ws.column_dimensions[letter].width = 18
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    if ov.protect:
        _protect(ws, ov.password)


def _table(ws, sheet: TableSheet) -> None:
    for column, text in enumerate(sheet.header, 1):
        cell = put(ws, 1, column, text)
        cell.font, cell.fill, cell.alignment = Font(bold=True, color="FFFFFF"), _HEADER_FILL, _TOP_WRAP
    ws.row_dimensions[1].height = row_height(sheet.header, list(sheet.widths), per_unit=0.9)  # bold
    for index, values in enumerate(sheet.rows, 2):
        for column, value in enumerate(values, 1):
            cell = put(ws, index, column, value)
            cell.alignment = _TOP_WRAP
            if column in sheet.unlocked:
                cell.protection = Protection(locked=False)
                cell.fill = _ANSWER_FILL
        if sheet.heights:
            ws.row_dimensions[index].height = row_height(
                [v if isinstance(v, str) else str(v) for v in values], list(sheet.widths))
    for index, width in enumerate(sheet.widths, 1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].hidden = index in sheet.hidden
    last = len(sheet.rows) + 1
    if sheet.choices is not None:
        letter = get_column_letter(sheet.choices.column)
        rule = DataValidation(type="list", formula1='"' + ",".join(sheet.choices.values) + '"', allow_blank=True,
                              showDropDown=False, showErrorMessage=True, showInputMessage=True,
                              prompt=sheet.choices.prompt, error=sheet.choices.error, errorStyle="stop")
        rule.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(rule)
    ws.freeze_panes = "B2" if sheet.protect else "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{last}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if sheet.protect:
        _protect(ws, sheet.password)


def _protect(ws, password: str | None) -> None:
    # By default without a password: protection guards against slips, not against a determined
    # bidder, which is why `import answers` compares every locked cell with the library all the same.
    protection = ws.protection
    protection.sheet = True
    if password:
        protection.password = password  # stored as Excel's legacy hash: the same password, the same bytes
    protection.formatRows = False  # False = allowed: the bidder may resize rows and columns,
    protection.formatColumns = False
    protection.autoFilter = False  # and filter, but not change locked cells
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


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
