"""A ledger a clerk can work with in Excel: title, frozen header, filter, dates, widths, texts."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.ledgers.choices import LedgerKind

from .ledger_support import at, petition, reception

URL = reverse("ledgers:export")


def export(client, kind: str, **data) -> bytes:
    response = client.post(URL, {"kind": kind, **data})
    assert response.status_code == 200, response.content[:500]
    return response.content


TZ = timezone.get_fixed_timezone(8 * 60)


def _book(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]


def test_the_petition_ledger_opens_ready_to_filter_with_real_dates(world, as_role):
    moment = dt.datetime(2026, 3, 5, 9, 30, tzinfo=TZ)
    p = petition(
        world,
        title="路灯坏了",
        content="幸福里小区3幢门口的路灯坏了两周，晚上看不见路。",
        reply_summary="已于3月8日更换灯泡。",
        submitted=moment,
        deadline=dt.date(2026, 3, 20),
    )
    content = export(
        as_role("clerk"),
        LedgerKind.PETITIONS,
        region=world.district_x.pk,
        date_from="2026-03-01",
        date_to="2026-03-31",
    )
    ws = _book(content)
    # Title row: the ledger, its scope and its period.
    assert ws["A1"].value == "Petition ledger · 南湖区 · 2026-03-01 – 2026-03-31"
    headers = [c.value for c in ws[2]]
    row = {h: c for h, c in zip(headers, ws[3], strict=False)}
    # The header stays in view and every column can be filtered.
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:{ws.cell(row=2, column=len(headers)).column_letter}3"
    # Dates are Excel dates, not text.
    assert row["Submitted at"].value == dt.datetime(2026, 3, 5, 9, 30)
    assert row["Submitted at"].number_format == "yyyy-mm-dd hh:mm"
    assert row["Deadline"].value == dt.datetime(2026, 3, 20)
    assert row["Deadline"].number_format == "yyyy-mm-dd"
    # The code as the pages show it; what was asked and what was replied.
    assert row["Tracking code"].value == p.display_code
    assert row["Content"].value == "幸福里小区3幢门口的路灯坏了两周，晚上看不见路。"
    assert row["Reply"].value == "已于3月8日更换灯泡。"
    # Columns as wide as what they hold: the long content column is wider than the code.
    widths = {h: ws.column_dimensions[c.column_letter].width for h, c in row.items()}
    assert widths["Content"] > widths["Tracking code"] >= len(p.display_code)
    assert widths["Submitted at"] >= 16


def test_the_reception_register_has_a_real_date_column(world, as_role):
    reception(world, held_at=at(dt.date(2026, 3, 20), 9))
    ws = _book(export(as_role("staff"), LedgerKind.RECEPTIONS))
    assert ws["A1"].value.startswith("Reception register · ")
    assert ws["A3"].value == dt.datetime(2026, 3, 20)
    assert ws["B3"].value == "09:00"
