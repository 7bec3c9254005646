"""The "八个一" list and its counts, from a hand-built year of 戴伟 (the world's deputy)."""

from __future__ import annotations

import datetime as dt

import pytest

from deputies.roster.choices import DutyStatus
from duty import selectors
from duty.choices import ActivityKind, ActivityStatus, ItemCode
from duty.items import BY_CODE, ITEMS
from petitions.choices import Status
from tests.reports.ledger_support import at, petition, reception

from .support import activity, duty

YEAR = 2025
TODAY = dt.date(YEAR, 4, 15)  # January to March are over, April is current


def test_it_declares_the_eight_items_once_with_their_periods():
    assert [i.code for i in ITEMS] == [
        "reception",
        "opinion",
        "station",
        "training",
        "diary",
        "project",
        "story",
        "report_back",
    ]
    monthly = [i.code for i in ITEMS if i.is_monthly]
    assert monthly == ["reception", "opinion", "station", "training"]
    assert BY_CODE["opinion"].seed == "每月反映一条社情民意"


@pytest.fixture
def year_of_dave(world):
    # Receptions: January duty + the reception on the same day = one; February late = one;
    # March absent = none; March a reception without a duty = one.
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    duty(world, dt.date(YEAR, 2, 20), DutyStatus.LATE)
    duty(world, dt.date(YEAR, 3, 20), DutyStatus.ABSENT)
    reception(world, held_at=at(dt.date(YEAR, 1, 20)), constituents_count=5)
    reception(world, held_at=at(dt.date(YEAR, 3, 5)), constituents_count=2)
    # Opinions: two in January, one in February, a declined one in March (not counted), one
    # merged duplicate in March (not counted).
    petition(world, submitted=at(dt.date(YEAR, 1, 3)))
    petition(world, submitted=at(dt.date(YEAR, 1, 28)))
    petition(world, submitted=at(dt.date(YEAR, 2, 8)), status=Status.CLOSED)
    petition(world, submitted=at(dt.date(YEAR, 3, 8)), status=Status.DECLINED)
    petition(world, submitted=at(dt.date(YEAR, 3, 9)), status=Status.MERGED)
    # Self-reported: an approved inspection (station item) in January, a training waiting in
    # February (not counted), a returned one (not counted), an approved diary.
    activity(world, ActivityKind.INSPECTION, dt.date(YEAR, 1, 9))
    activity(world, ActivityKind.TRAINING, dt.date(YEAR, 2, 9), status=ActivityStatus.SUBMITTED)
    activity(world, ActivityKind.TRAINING, dt.date(YEAR, 2, 10), status=ActivityStatus.RETURNED)
    activity(world, ActivityKind.DIARY, dt.date(YEAR, 3, 1))
    return world


def test_it_counts_each_item_per_month(year_of_dave):
    w = year_of_dave
    year = selectors.duty_year(w.deputy_dave, YEAR, TODAY)
    months = {row.item.code: [c.count for c in row.cells] for row in year.items}
    assert months["reception"][:4] == [1, 1, 1, 0]
    assert months["opinion"][:4] == [2, 1, 0, 0]
    assert months["station"][:4] == [1, 0, 0, 0]
    assert months["training"][:4] == [0, 0, 0, 0]
    assert months["diary"] == [1]
    assert months["report_back"] == [0]


def test_it_marks_missed_months_against_the_default_quantity(year_of_dave):
    year = selectors.duty_year(year_of_dave.deputy_dave, YEAR, TODAY)
    # Default: one of each a month. Opinions: March missed. Station: Feb and March missed.
    # Training: January to March missed. April is current, never missed.
    assert year.item("reception").missed == 0
    assert year.item("opinion").missed == 1
    assert year.item("station").missed == 2
    assert year.item("training").missed == 3
    # The year is not over: yearly items are not missed yet.
    assert year.item("story").missed == 0
    assert year.is_behind


def test_yearly_items_are_missed_once_the_year_is_over(year_of_dave):
    year = selectors.duty_year(year_of_dave.deputy_dave, YEAR, dt.date(YEAR + 1, 1, 2))
    assert year.item("diary").missed == 0
    assert year.item("story").missed == 1
    assert year.item("project").missed == 1


def test_facts_prove_the_counts(year_of_dave):
    w = year_of_dave
    jan = BY_CODE[ItemCode.RECEPTION].facts(w.deputy_dave.pk, YEAR, 1)
    assert len(jan) == 2  # the duty and the reception on the same day, both shown as proof
    assert any("/petitions/receptions/" in f.url for f in jan)
    opinions = BY_CODE[ItemCode.OPINION].facts(w.deputy_dave.pk, YEAR, None)
    assert len(opinions) == 3


def test_a_source_an_upper_app_registers_adds_to_the_count(year_of_dave):
    from duty import items
    from petitions.models import Petition

    def cases(ids, year):  # stands in for an upper app's records: here, the counted opinions
        return items.per_day(items._opinions(ids, year), items.TruncDate("submitted_at"))

    items.EXTRA_SOURCES.setdefault("project", []).append(cases)
    try:
        year = selectors.duty_year(year_of_dave.deputy_dave, YEAR, dt.date(YEAR + 1, 1, 2))
    finally:
        items.EXTRA_SOURCES["project"].remove(cases)
    assert Petition.objects.count() == 5
    assert year.item("project").total == 3  # January's two and February's one
    assert year.item("project").missed == 0
    assert selectors.duty_year(year_of_dave.deputy_dave, YEAR).item("project").total == 0
