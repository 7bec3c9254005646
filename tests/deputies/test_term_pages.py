"""The clerks' term pages (届): list per region, record and correct a deputy's term with its
dates checked (end after start, no overlap at one level), the change record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core.models import ChangeRecord
from deputies.models import DeputyTerm

pytestmark = pytest.mark.django_db

TERM = {"level": "district", "number": "9", "start": "2021-12-20", "end": "2026-12-19"}


def _add(client, world, **data):
    return client.post(
        reverse("deputies:deputy_terms", args=[world.deputy_dave.pk]), {**TERM, **data}
    )


def test_a_clerk_records_a_term_and_the_deputy_page_shows_it(world, as_role):
    client = as_role("clerk")
    response = _add(client, world)
    assert response.status_code == 302
    term = DeputyTerm.objects.get()
    assert (term.level, term.number, term.start) == ("district", 9, dt.date(2021, 12, 20))
    html = client.get(response.url).content.decode()
    assert "Term of 戴伟 saved." in html and "2021-12-20 – 2026-12-19" in html
    assert "Last change" in html and "term starts — → 2021-12-20" in html
    detail = client.get(reverse("deputies:detail", args=[world.deputy_dave.pk])).content.decode()
    assert reverse("deputies:deputy_terms", args=[world.deputy_dave.pk]) in detail


@pytest.mark.parametrize(
    "data, message",
    [
        ({"end": "2021-12-20"}, "The term must end after it starts."),
        ({"end": "2020-01-01"}, "The term must end after it starts."),
        ({"start": "2021-13-40"}, "Enter a valid date."),
    ],
)
def test_bad_dates_are_refused_with_what_was_typed_kept(world, as_role, data, message):
    response = _add(as_role("clerk"), world, **data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'value="9"' in html
    assert not DeputyTerm.objects.exists()


def test_terms_at_one_level_cannot_overlap_but_other_levels_may(world, as_role):
    client = as_role("clerk")
    _add(client, world)
    response = _add(client, world, number="10", start="2026-06-01", end="2031-05-31")
    assert response.status_code == 400
    assert "already has a term at this level from 2021-12-20 to 2026-12-19" in (
        response.content.decode()
    )
    assert _add(client, world, level="township", number="18").status_code == 302
    assert _add(client, world, number="10", start="2026-12-20", end="2031-12-19").status_code == 302
    assert DeputyTerm.objects.count() == 3


def test_editing_into_an_overlap_is_refused_and_removing_is_recorded(world, as_role):
    client = as_role("city_clerk")
    _add(client, world)
    _add(client, world, number="10", start="2026-12-20", end="2031-12-19")
    later = DeputyTerm.objects.get(number=10)
    response = client.post(
        reverse("deputies:term_edit", args=[later.pk]),
        {**TERM, "number": "10", "start": "2026-01-01", "end": "2031-12-19"},
    )
    assert response.status_code == 400 and "cannot overlap" in response.content.decode()
    client.post(reverse("deputies:term_delete", args=[later.pk]))
    assert not DeputyTerm.objects.filter(pk=later.pk).exists()
    assert ChangeRecord.objects.first().action == "deleted"


def test_the_list_is_the_clerks_area_and_puts_deputies_without_a_term_first(world, as_role):
    DeputyTerm.objects.create(
        deputy=world.deputy_dave,
        level=world.deputy_dave.level,
        start=dt.date(2021, 1, 1),
        end=dt.date(2099, 1, 1),
    )
    html = as_role("city_clerk").get(reverse("deputies:terms")).content.decode()
    assert html.index("裴佳") < html.index("戴伟")
    assert "1 deputy has no current term at their level." in html
    district = as_role("clerk").get(reverse("deputies:terms")).content.decode()
    assert "戴伟" in district and "裴佳" not in district


def test_station_staff_see_the_terms_but_do_not_edit_them(world, as_role):
    assert (
        as_role("staff")
        .get(reverse("deputies:deputy_terms", args=[world.deputy_dave.pk]))
        .status_code
        == 403
    )
    detail = as_role("staff").get(reverse("deputies:detail", args=[world.deputy_dave.pk]))
    assert 'id="edit-terms"' not in detail.content.decode()


def test_the_list_asks_as_many_queries_for_many_deputies_as_for_few(world, as_role):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import DeputyFactory, StationAssignmentFactory

    client = as_role("clerk")
    url = reverse("deputies:terms")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(6):
        d = DeputyFactory(name=f"代表{i}")
        StationAssignmentFactory(deputy=d, station=world.station_a, start_date=dt.date(2022, 1, 1))
        DeputyTerm.objects.create(
            deputy=d, level=d.level, start=dt.date(2021, 1, 1), end=dt.date(2099, 1, 1)
        )
    assert queries() == few
