"""Excel in and out: XlsxWriter for writing (constant memory, no formulas), openpyxl for reading.

Every cell written from user data is a string or number, never a formula: ``strings_to_formulas``
is off, so a constituent typing ``=HYPERLINK(...)`` into a form cannot plant a formula in a
ledger that a clerk opens later.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import xlsxwriter
from openpyxl import load_workbook

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(
    target: IO[bytes] | str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_name: str = "Sheet1",
    widths: Sequence[int] | None = None,
) -> int:
    """Write one sheet; returns the number of data rows. ``rows`` may be a generator."""
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
    for col, header in enumerate(headers):
        sheet.write_string(0, col, str(header), bold)
        sheet.set_column(col, col, (widths[col] if widths else max(10, len(str(header)) * 2 + 2)))
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(count, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(count, col, value)
            else:
                sheet.write_string(count, col, str(value))
    sheet.freeze_panes(1, 0)
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
