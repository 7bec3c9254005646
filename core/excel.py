"""Excel in and out: XlsxWriter for writing (constant memory, no formulas), openpyxl for reading.

Every cell written from user data is a string or number, never a formula: ``strings_to_formulas``
is off, so a constituent typing ``=HYPERLINK(...)`` into a form cannot plant a formula in a
ledger that a clerk opens later.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import IO, Any

import xlsxwriter
from openpyxl import load_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Rows read ahead to size the columns; a ledger can have 100k rows, so not all of them.
WIDTH_SAMPLE = 200
MAX_WIDTH = 60


def _display_width(value: Any) -> int:
    """Characters as Excel shows them: a CJK character is about two Latin ones wide."""
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    text = str(value)
    longest = max((line for line in text.splitlines()), key=len, default="")
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest)


def fitted_widths(headers: Sequence[str], sample: Sequence[Sequence[Any]]) -> list[int]:
    """Column widths that fit the header and the sampled values (capped for long text)."""
    widths = [max(8, _display_width(h) + 2) for h in headers]
    for row in sample:
        for col, value in enumerate(row[: len(widths)]):
            if value not in (None, ""):
                widths[col] = max(widths[col], min(MAX_WIDTH, _display_width(value) + 2))
    return widths


def write_xlsx(
    target: IO[bytes] | str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Sheet1",
    widths: Sequence[int] | None = None,
    title: str = "",
) -> int:
    """Write one sheet; returns the number of data rows. ``rows`` may be a generator.

    A ledger a clerk can work with at once: an optional title row (scope and period), a bold
    header row frozen at the top with an autofilter, dates and times as real Excel dates, and
    columns as wide as their content (from the first rows) unless ``widths`` are given.
    """
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": not isinstance(target, str),
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#F2DEDE", "border": 1})
    title_format = workbook.add_format({"bold": True, "font_size": 14})
    day_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    iterator = iter(rows)
    sample = list(islice(iterator, WIDTH_SAMPLE))
    sized = list(widths) if widths else fitted_widths(headers, sample)
    for col, width in enumerate(sized):
        sheet.set_column(col, col, width)
    top = 0
    if title:
        sheet.write_string(0, 0, title, title_format)
        top = 1
    for col, header in enumerate(headers):
        sheet.write_string(top, col, str(header), bold)
    count = 0
    for count, row in enumerate(chain(sample, iterator), start=1):
        line = top + count
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(line, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(line, col, value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(line, col, value.replace(tzinfo=None), moment_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(line, col, value, day_format)
            else:
                sheet.write_string(line, col, str(value))
    if headers:
        sheet.autofilter(top, 0, top + count, len(headers) - 1)
    sheet.freeze_panes(top + 1, 0)
    workbook.close()
    return count


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]], **kwargs) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows, **kwargs)
    return buffer.getvalue()


@dataclass
class RowError:
    row: int  # 1-based row number as Excel shows it
    message: str


@dataclass
class ImportReport:
    """What a dry run or an import found: rows that are fine and rows with reasons."""

    valid: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class BadWorkbook(ValueError):
    pass


def read_rows(upload: IO[bytes], expected_headers: Sequence[str]) -> Iterable[tuple[int, dict]]:
    """Yield (excel_row_number, {header: value}) for each non-empty row of the first sheet.

    Raises BadWorkbook when the file is not an .xlsx or its header row does not match.
    """
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:
        raise BadWorkbook(str(exc)) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise BadWorkbook("empty")
    names = [str(h).strip() if h is not None else "" for h in header]
    missing = [h for h in expected_headers if h not in names]
    if missing:
        raise BadWorkbook(", ".join(missing))
    index = {h: names.index(h) for h in expected_headers}
    for number, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        yield (
            number,
            {
                h: ("" if i >= len(values) or values[i] is None else str(values[i]).strip())
                for h, i in index.items()
            },
        )
    workbook.close()
