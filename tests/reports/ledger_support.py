"""Small builders for the ledger, notice and record tests: rows written directly, no services,
so each test states exactly the facts its figures are computed from."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from petitions.choices import Channel, Status
from petitions.models import Petition, Reception


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def petition(world, *, station=None, status=Status.ACCEPTED, submitted=None, **kw) -> Petition:
    submitted = submitted or timezone.now()
    data = dict(
        station=station or world.station_a,
        channel=Channel.PHONE,
        deputy=world.deputy_dave,
        title="小区加装电梯",
        content="老旧小区六层无电梯。",
        constituent_name="王芳",
        phone="13812345678",
        address="新兴街道幸福小区3幢",
        status=status,
        accepted_at=submitted,
    )
    data.update(kw)
    p = Petition.objects.create(**data)
    # submitted_at is auto_now_add: set it afterwards so tests can place a case in time.
    Petition.objects.filter(pk=p.pk).update(submitted_at=submitted)
    p.refresh_from_db()
    return p


def reception(world, *, station=None, held_at=None, deputies=(), **kw) -> Reception:
    r = Reception.objects.create(
        station=station or world.station_a, held_at=held_at or timezone.now(), **kw
    )
    r.deputies.add(*(deputies or [world.deputy_dave]))
    return r


def sheet(content: bytes) -> list[tuple]:
    """All rows of the first sheet below the title row, header first, as openpyxl reads them."""
    workbook = load_workbook(io.BytesIO(content))
    rows = [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    # A ledger opens with a title row (one cell); other workbooks start with their header.
    titled = rows and len(rows[0]) > 1 and sum(v is not None for v in rows[0]) == 1
    return rows[1:] if titled else rows


def title(content: bytes) -> str:
    """The ledger's title row (what, whose, which period)."""
    return load_workbook(io.BytesIO(content)).worksheets[0]["A1"].value


def cells(content: bytes):
    return load_workbook(io.BytesIO(content)).worksheets[0]
