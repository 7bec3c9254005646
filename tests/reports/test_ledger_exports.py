"""Excel ledgers downloaded directly: scope, masking, formula injection, the four ledgers."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from petitions.choices import Status
from reports.exports import PETITION_HEADERS
from reports.ledgers.choices import LedgerKind

from .ledger_support import at, cells, petition, reception, sheet

URL = reverse("ledgers:export")


def export(client, kind: str, **data):
    response = client.post(URL, {"kind": kind, **data})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def test_it_exports_only_the_clerks_district(world, as_role):
    petition(world, title="南湖的意见")
    petition(world, station=world.station_b, title="秀洲的意见", deputy=world.deputy_peggy)
    rows = sheet(export(as_role("clerk"), LedgerKind.PETITIONS))
    titles = [row[6] for row in rows[1:]]
    assert titles == ["南湖的意见"]


def test_it_lets_the_city_clerk_narrow_by_region(world, as_role):
    petition(world, title="南湖的意见")
    petition(world, station=world.station_b, title="秀洲的意见")
    client = as_role("city_clerk")
    assert len(sheet(export(client, LedgerKind.PETITIONS))) == 3
    rows = sheet(export(client, LedgerKind.PETITIONS, region=world.district_y.pk))
    assert [row[6] for row in rows[1:]] == ["秀洲的意见"]


def test_it_refuses_a_region_outside_the_scope(world, as_role):
    response = as_role("clerk").post(
        URL, {"kind": LedgerKind.PETITIONS, "region": world.district_y.pk}
    )
    assert response.status_code == 400
    assert "form" in response.context


def test_it_masks_phone_and_name_for_clerks(world, as_role):
    petition(world)
    header, row = sheet(export(as_role("clerk"), LedgerKind.PETITIONS))
    assert row[5] == "138****5678"
    assert row[4] == "王*"


def test_it_shows_the_phone_to_staff_of_the_station(world, as_role):
    petition(world)
    _header, row = sheet(export(as_role("staff"), LedgerKind.PETITIONS))
    assert row[5] == "13812345678"
    assert row[4] == "王芳"


def test_it_writes_a_formula_like_title_as_text(world, as_role):
    petition(world, title='=HYPERLINK("http://evil.example","click")')
    worksheet = cells(export(as_role("staff"), LedgerKind.PETITIONS))
    cell = worksheet.cell(row=3, column=7)
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_it_writes_headers_in_the_users_language(world, as_role, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    # The zh catalogue supplies the Chinese; the msgids are English.
    header = sheet(export(as_role("staff"), LedgerKind.PETITIONS))[0]
    with translation.override("zh-hans"):
        assert list(header) == [str(h) for h in PETITION_HEADERS]
    client = as_role("staff")
    client.cookies["django_language"] = "en"
    header = sheet(export(client, LedgerKind.PETITIONS))[0]
    assert header[:2] == ("Tracking code", "Submitted at")


def test_it_filters_by_period(world, as_role):
    petition(world, title="一月", submitted=at(dt.date(2025, 1, 10)))
    petition(world, title="三月", submitted=at(dt.date(2025, 3, 10)))
    rows = sheet(
        export(as_role("staff"), LedgerKind.PETITIONS, date_from="2025-03-01", date_to="2025-03-31")
    )
    assert [row[6] for row in rows[1:]] == ["三月"]


def test_it_says_when_the_period_is_backwards(world, as_role):
    response = as_role("staff").post(
        URL, {"kind": LedgerKind.PETITIONS, "date_from": "2025-03-01", "date_to": "2025-01-01"}
    )
    assert response.status_code == 400
    assert "2025-03-01" in response.content.decode()


def test_it_lists_receptions_with_deputies_and_opinions(world, as_role):
    r = reception(world, constituents_count=7, topic="加装电梯专题")
    petition(world, reception=r)
    petition(world, station=world.station_b, deputy=world.deputy_peggy)
    reception(world, station=world.station_b, deputies=[world.deputy_peggy])
    rows = sheet(export(as_role("clerk"), LedgerKind.RECEPTIONS))
    assert len(rows) == 2
    row = rows[1]
    assert row[2] == world.station_a.name
    assert row[4] == "加装电梯专题"
    assert row[5] == "戴伟"
    assert row[7:9] == (7, 1)


def test_it_lists_lead_and_assisting_departments(world, as_role, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    from stations.models import Department

    helper = Department.objects.create(name="南湖区城管局", region=world.district_x)
    today = timezone.localdate()
    p = petition(
        world,
        status=Status.REPLIED,
        lead_department=world.department,
        assigned_at=at(today - dt.timedelta(days=5)),
        deadline=today + dt.timedelta(days=5),
        replied_at=at(today - dt.timedelta(days=2)),
    )
    p.assisting_departments.add(helper)
    rows = sheet(export(as_role("staff"), LedgerKind.DEPARTMENTS))
    assert len(rows) == 3
    lead, assisting = rows[1], rows[2]
    with translation.override("zh-hans"):
        assert lead[3:5] == ("南湖区住建局", gettext("Lead"))
        assert lead[8] == gettext("Yes") and lead[9] == 3
        assert assisting[3:5] == ("南湖区城管局", gettext("Assisting"))
    assert assisting[7] is None  # the assisting department has not replied


def test_it_exports_the_deputy_ledger_for_a_year(world, as_role):
    reception(world, held_at=at(dt.date(2025, 4, 20)), constituents_count=5)
    petition(world, submitted=at(dt.date(2025, 4, 20)))
    rows = sheet(export(as_role("clerk"), LedgerKind.DEPUTIES, year=2025))
    assert [row[0] for row in rows[1:]] == ["戴伟"]
    assert rows[1][2] == 2025
    assert rows[1][9:12] == (1, 5, 1)


def test_it_refuses_deputies_and_handlers(world, as_role):
    for role in ("deputy", "handler"):
        assert as_role(role).post(URL, {"kind": LedgerKind.PETITIONS}).status_code == 403
