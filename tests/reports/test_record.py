"""The deputy performance record: figures from a hand-built year, quotas, scope, exports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from deputies.roster.choices import DutyStatus, SwapStatus
from deputies.roster.models import Duty, ReceptionDay, SwapRequest
from petitions.choices import Satisfaction, Status
from reports import record
from reports.ledgers.choices import ActivityKind
from reports.ledgers.models import DeputyActivity

from .ledger_support import at, petition, reception, sheet

YEAR = 2025


def _duty(world, day: dt.date, status: str, deputy=None) -> Duty:
    reception_day = ReceptionDay.objects.create(
        station=world.station_a, date=day, start_time=dt.time(9), end_time=dt.time(11)
    )
    return Duty.objects.create(day=reception_day, deputy=deputy or world.deputy_dave, status=status)


@pytest.fixture
def year_of_dave(world):
    """Dave's 2025, written out fact by fact (see the expected figures in each test)."""
    jan = _duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    _duty(world, dt.date(YEAR, 2, 20), DutyStatus.LATE)
    _duty(world, dt.date(YEAR, 3, 20), DutyStatus.ABSENT)
    _duty(world, dt.date(YEAR, 4, 20), DutyStatus.REPLACED)
    other = _duty(world, dt.date(YEAR, 7, 20), DutyStatus.ASSIGNED, deputy=world.deputy_peggy)
    SwapRequest.objects.create(
        from_duty=jan,
        to_duty=other,
        requester=world.deputy_dave,
        counterpart=world.deputy_peggy,
        status=SwapStatus.CONFIRMED,
        decided_at=at(dt.date(YEAR, 1, 5)),
    )
    # The January reception is the same day as the January duty: one activity, not two.
    reception(world, held_at=at(dt.date(YEAR, 1, 20)), constituents_count=5)
    reception(world, held_at=at(dt.date(YEAR, 5, 10)), constituents_count=3)
    reception(world, held_at=at(dt.date(YEAR - 1, 12, 10)), constituents_count=9)  # last year
    petition(
        world,
        submitted=at(dt.date(YEAR, 1, 20)),
        status=Status.CLOSED,
        closed_at=at(dt.date(YEAR, 2, 1)),
        satisfaction=Satisfaction.SATISFIED,
    )
    petition(
        world,
        submitted=at(dt.date(YEAR, 5, 10)),
        status=Status.CLOSED,
        closed_at=at(dt.date(YEAR, 6, 1)),
        closed_unrated=True,
    )
    petition(world, submitted=at(dt.date(YEAR, 6, 1)), status=Status.SUBMITTED, accepted_at=None)
    petition(world, submitted=at(dt.date(YEAR, 6, 2)), deputy=world.deputy_peggy)
    for kind, day in ((ActivityKind.TRAINING, 3), (ActivityKind.REPORT_ORAL, 6)):
        DeputyActivity.objects.create(
            deputy=world.deputy_dave, kind=kind, date=dt.date(YEAR, day, 1), title="活动"
        )
    return world.deputy_dave


def test_it_computes_the_figures_from_the_facts(year_of_dave):
    f = record.compute([year_of_dave.pk], YEAR)[year_of_dave.pk]
    assert (f.duties, f.attended, f.late, f.missed, f.replaced, f.swaps) == (4, 2, 1, 1, 1, 1)
    assert (f.receptions, f.constituents) == (2, 8)
    assert (f.opinions, f.accepted, f.closed, f.rated, f.satisfied) == (3, 2, 2, 1, 1)
    assert f.satisfaction_rate == 100
    assert f.activity(ActivityKind.TRAINING) == 1 and f.report_backs_in_term == 1


def test_the_quota_lines_are_dutys_items_for_the_year(year_of_dave):
    data = record.deputy_record(year_of_dave, YEAR, today=dt.date(YEAR + 1, 1, 10))
    reception, opinion = data.duty.item("reception"), data.duty.item("opinion")
    # Receptions: Jan 20 (duty + reception, one day), Feb 20 (late), May 10 (reception).
    assert [m for m in range(1, 13) if reception.cells[m - 1].met] == [1, 2, 5]
    # Opinions: the cases of Jan 20, May 10 and Jun 1 (none declined or merged).
    assert (opinion.total, opinion.target, opinion.missed) == (3, 12, 9)
    # Staff recorded a training in March and an oral report-back in June: they count.
    assert data.duty.item("training").total == 1
    assert data.duty.item("report_back").total == 1 and not data.duty.item("report_back").missed


def test_the_record_page_shows_figures_and_the_duty_items(year_of_dave, as_role):
    page = as_role("deputy").get(reverse("ledgers:record", args=[year_of_dave.pk, YEAR]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="receptions">2<' in body
    assert 'data-figure="constituents">8<' in body
    assert 'data-figure="satisfaction">100%<' in body
    assert 'data-quota="reception">3 / 12<' in body
    assert 'data-quota="opinion">3 / 12<' in body
    assert 'data-quota="report_back">1 / 1<' in body
    # Month cells met: receptions Jan, Feb, May; opinions Jan, May, Jun; training March.
    assert body.count("table-success") == 3 + 3 + 1
    # The deputy does not get the "record an activity" button.
    assert reverse("ledgers:activity_create", args=[year_of_dave.pk]) not in body


def test_a_deputy_sees_only_their_own_record(world, as_role):
    client = as_role("deputy")
    assert (
        client.get(reverse("ledgers:record", args=[world.deputy_dave.pk, YEAR])).status_code == 200
    )
    for name in ("ledgers:record", "ledgers:record_print", "ledgers:record_export"):
        url = reverse(name, args=[world.deputy_peggy.pk, YEAR])
        assert client.get(url).status_code == 404


def test_staff_record_an_activity(world, as_role):
    client = as_role("staff")
    url = reverse("ledgers:activity_create", args=[world.deputy_dave.pk])
    response = client.post(
        url, {"kind": ActivityKind.INSPECTION, "date": "2025-04-02", "title": "视察河道"}
    )
    assert response.status_code == 302
    activity = DeputyActivity.objects.get()
    assert (activity.recorded_by, activity.deputy) == (world.user("staff"), world.deputy_dave)
    page = client.get(response.url).content.decode()
    assert "视察河道" in page


def test_a_future_activity_is_refused_with_the_input_kept(world, as_role):
    url = reverse("ledgers:activity_create", args=[world.deputy_dave.pk])
    response = as_role("staff").post(
        url, {"kind": ActivityKind.TRAINING, "date": "2999-01-01", "title": "未来的培训"}
    )
    assert response.status_code == 200
    assert "未来的培训" in response.content.decode()
    assert not DeputyActivity.objects.exists()


def test_the_one_deputy_export_lists_the_year(year_of_dave, as_role):
    response = as_role("staff").get(reverse("ledgers:record_export", args=[year_of_dave.pk, YEAR]))
    rows = dict(sheet(response.content)[1:])
    assert rows[str(record.LEDGER_HEADERS[9])] == 2  # receptions attended
    assert (
        rows["Receive constituents (this year)"] == 3
    )  # the reception item: Jan 20, Feb 20, May 10


def test_the_station_export_has_one_row_per_deputy(year_of_dave, world, as_role):
    from tests.factories import DeputyFactory, StationAssignmentFactory

    StationAssignmentFactory(deputy=DeputyFactory(name="陈新"), station=world.station_a)
    response = as_role("clerk").get(
        reverse("ledgers:station_records_export", args=[world.station_a.pk, YEAR])
    )
    rows = sheet(response.content)
    assert sorted(row[0] for row in rows[1:]) == ["戴伟", "陈新"]


def test_the_old_behind_list_moved_to_dutys_with_its_filters(year_of_dave, world, as_role):
    client = as_role("clerk")
    url = reverse("ledgers:behind") + f"?year={YEAR}&station={world.station_a.pk}"
    response = client.get(url)
    assert response.status_code == 301
    assert response.url == reverse("duty:behind") + f"?year={YEAR}&station={world.station_a.pk}"
    body = client.get(response.url).content.decode()
    assert "戴伟" in body and "裴佳" not in body  # peggy is in the other district
    body = as_role("other_clerk").get(reverse("duty:behind") + f"?year={YEAR}").content.decode()
    assert "裴佳" in body and "戴伟" not in body


def test_the_print_page_renders(year_of_dave, as_role):
    page = as_role("staff").get(reverse("ledgers:record_print", args=[year_of_dave.pk, YEAR]))
    assert page.status_code == 200 and "data-print" in page.content.decode()
