"""The ledger list pages run a fixed number of queries however many rows they show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from deputies.models import StationAssignment
from reports.ledgers.models import ProgressNotice

from .. import factories as f


def _notices(world, n: int) -> None:
    for i in range(n):
        station = f.StationFactory.create(name=f"联络站{i}", region=world.street_s1)
        for month in (1, 3):
            ProgressNotice.objects.create(
                station=station,
                period_start=dt.date(2025, month, 1),
                period_end=dt.date(2025, month + 1, 28),
                items=[{"title": "路灯不亮", "status": "closed"}] * 3,
                published_at=dt.datetime(2025, month + 2, 1, tzinfo=dt.UTC),
            )


def _deputies(world, n: int) -> None:
    for i in range(n):
        station = world.station_a if i % 2 else world.station_a2
        deputy = f.DeputyFactory.create(name=f"代表{i}")
        StationAssignment.objects.create(
            deputy=deputy, station=station, start_date=dt.date(2022, 1, 1)
        )


@pytest.mark.parametrize("n", [1, 12])
def test_it_lists_notices_in_constant_queries(as_role, world, django_assert_num_queries, n):
    _notices(world, n)
    client = as_role("clerk")
    with django_assert_num_queries(4):
        response = client.get(reverse("ledgers:notice_list"))
    table = response.content.decode().split("<tbody>")[1]
    assert table.count("<tr>") == 2 * n and "联络站0" in table


@pytest.mark.parametrize("n", [1, 12])
def test_it_lists_who_is_behind_in_constant_queries(as_role, world, django_assert_num_queries, n):
    _deputies(world, n)
    client = as_role("clerk")
    # The one "who is behind" list is duty's (the ledgers' old URL redirects to it). Six: the
    # session, the user, the deputies with their regions, the rules, the counts, the page's
    # deputies (the station filter is a type-ahead: no list of stations is read).
    with django_assert_num_queries(6):
        response = client.get(reverse("duty:behind"), {"year": 2025})
    table = response.content.decode().split('id="behind-table"')[1]
    # Every new deputy (and dave) is behind: nobody did anything in 2025.
    assert table.count("<tr") == 1 + n + 1  # the header, dave and the new deputies
    assert "代表0" in table and f"代表{n - 1}" in table
