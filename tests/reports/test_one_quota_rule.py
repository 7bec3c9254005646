"""One rule for a deputy's quotas: the record, the "who is behind" list and the Excel rows all
hold a deputy to duty's "八个一" items with their own region's rules.

Hand-counted year (2025, every month over): 南湖区 (戴伟's district) asks for two opinions a
month, the province default says one (裴佳 in 秀洲区 falls back to it).
  戴伟: 2 opinions in January, 1 in February, 3 in March -> met Jan and Mar, 10 months below 2.
  裴佳: 1 opinion in each of January, February, March -> 9 months below 1.
Under the old pro-rata rule both read "9 month(s) without an opinion reported".
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from duty import selectors
from duty.models import QuotaRule
from reports import record

from .ledger_support import at, petition, sheet

YEAR = 2025
DAVE_OPINIONS = "Report public opinion: 10 month(s) below 2"
PEGGY_OPINIONS = "Report public opinion: 9 month(s) below 1"


@pytest.fixture
def opinions(world):
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    QuotaRule.objects.create(region=world.province, item="opinion", quantity=1)
    for month, n in {1: 2, 2: 1, 3: 3}.items():
        for day in range(1, n + 1):
            petition(world, submitted=at(dt.date(YEAR, month, day)))
    for month in (1, 2, 3):
        petition(
            world,
            deputy=world.deputy_peggy,
            station=world.station_b,
            submitted=at(dt.date(YEAR, month, 5)),
        )
    return world


def _reasons(page: str, pattern: str) -> list[str]:
    block = re.search(pattern, page, re.S)
    assert block, pattern
    text = html.unescape(re.sub(r"<[^>]+>", "", block.group(1)))
    return [r.strip() for r in re.split("；|; ", text) if r.strip()]


def test_the_wording_the_tests_expect_is_dutys(opinions):
    dave = selectors.duty_year(opinions.deputy_dave, YEAR)
    peggy = selectors.duty_year(opinions.deputy_peggy, YEAR)
    assert (dave.item("opinion").quota, dave.item("opinion").missed) == (2, 10)
    assert (peggy.item("opinion").quota, peggy.item("opinion").missed) == (1, 9)
    with pytest.raises(AttributeError):
        record.quotas  # noqa: B018  the pro-rata rule is gone


def test_the_record_holds_each_deputy_to_their_own_regions_rule(opinions, as_role):
    client = as_role("city_clerk")
    dave = client.get(reverse("ledgers:record", args=[opinions.deputy_dave.pk, YEAR]))
    peggy = client.get(reverse("ledgers:record", args=[opinions.deputy_peggy.pk, YEAR]))
    dave_body, peggy_body = dave.content.decode(), peggy.content.decode()
    assert 'data-quota="opinion">6 / 24<' in dave_body
    assert 'data-quota="opinion">3 / 12<' in peggy_body
    assert DAVE_OPINIONS in dave_body and PEGGY_OPINIONS not in dave_body
    assert PEGGY_OPINIONS in peggy_body
    # 戴伟: January and March met (two or more), February short; 裴佳: January to March met.
    row = re.search(r'<tr data-item="opinion">(.*?)</tr>', dave_body, re.S).group(1)
    assert re.findall(r"[✓✗]", row) == ["✓", "✗", "✓"] + ["✗"] * 9
    row = re.search(r'<tr data-item="opinion">(.*?)</tr>', peggy_body, re.S).group(1)
    assert re.findall(r"[✓✗]", row) == ["✓", "✓", "✓"] + ["✗"] * 9


def test_the_record_the_behind_list_and_the_year_page_say_the_same(opinions, as_role):
    client = as_role("city_clerk")
    for deputy in (opinions.deputy_dave, opinions.deputy_peggy):
        expected = selectors.duty_year(deputy, YEAR).reasons
        year_page = client.get(reverse("duty:year", args=[deputy.pk]) + f"?year={YEAR}")
        on_year_page = [
            html.unescape(r)
            for r in re.findall(r"<div[^>]*data-reason>(.*?)</div>", year_page.content.decode())
        ]
        record_page = client.get(reverse("ledgers:record", args=[deputy.pk, YEAR])).content
        on_record = _reasons(
            record_page.decode(), r'id="behind-reasons"><strong>[^<]*</strong>(.*?)</div>'
        )
        behind = client.get(reverse("duty:behind") + f"?year={YEAR}").content.decode()
        on_list = _reasons(behind, rf'<tr data-deputy="{deputy.pk}">.*?</td>.*?</td><td>(.*?)</td>')
        assert on_year_page == on_record == on_list == expected
        assert any(r.startswith("Report public opinion: ") for r in expected)


def test_the_excel_rows_say_the_same_reasons(opinions, as_role):
    client = as_role("city_clerk")
    for deputy, station, opinion_reason in (
        (opinions.deputy_dave, opinions.station_a, DAVE_OPINIONS),
        (opinions.deputy_peggy, opinions.station_b, PEGGY_OPINIONS),
    ):
        expected = "；".join(selectors.duty_year(deputy, YEAR).reasons)
        rows = sheet(
            client.get(reverse("ledgers:station_records_export", args=[station.pk, YEAR])).content
        )
        header, (row,) = rows[0], rows[1:]
        assert header[-1] == "Behind on quotas"
        assert row[-1] == expected and opinion_reason in row[-1]
        assert row[header.index("Report public opinion (this year)")] == (
            6 if deputy == opinions.deputy_dave else 3
        )
        one = dict(
            sheet(client.get(reverse("ledgers:record_export", args=[deputy.pk, YEAR])).content)[1:]
        )
        assert one[header[-1]] == expected
