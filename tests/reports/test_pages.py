"""The clerk pages: what they show, scoping, drill-down links and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from petitions.choices import Status
from petitions.models import Petition, PetitionEvent
from reports import basemap, rollups
from reports.models import MonthlyReport, RegionOutline
from reports.monthly import prepare_monthly_reports
from tests import factories as f

from .support import EXPECTED_X, build_march

pytestmark = pytest.mark.django_db
MARCH_Q = "period=custom&start=2026-03-01&end=2026-03-31"


@pytest.fixture
def march(world):
    ps = build_march(world)
    rollups.apply_new_events()
    return ps


def _figure(response, name: str) -> str:
    html = response.content.decode()
    start = html.index(f'data-figure="{name}"')
    chunk = html[html.index(">", start) + 1 : html.index("</div>", start)]
    import re

    return re.sub(r"<[^>]+>", "", chunk).strip()


def test_it_shows_the_district_figures_to_its_clerk(as_role, world, march):
    r = as_role("clerk").get(reverse("reports:overview") + "?" + MARCH_Q)
    assert r.status_code == 200
    assert _figure(r, "collected") == str(EXPECTED_X["collected"])
    assert _figure(r, "closed") == "4"
    assert _figure(r, "reply_rate") == "80.0%"
    assert _figure(r, "satisfaction_rate") == "100.0%"
    assert _figure(r, "receptions") == "1"
    assert "How these figures are counted" in r.content.decode()
    # Charts get their data through json_script, not inline JavaScript.
    assert 'id="chart-data" type="application/json"' in r.content.decode()


def test_it_lists_child_regions_and_links_each_into_the_drill_down(as_role, world, march):
    r = as_role("city_clerk").get(reverse("reports:overview") + "?" + MARCH_Q)
    html = r.content.decode()
    assert reverse("reports:region", args=[world.district_x.pk]) in html
    assert reverse("reports:region", args=[world.district_y.pk]) in html
    r = as_role("city_clerk").get(
        reverse("reports:region", args=[world.street_s1.pk]) + "?" + MARCH_Q
    )
    assert reverse("reports:station", args=[world.station_a.pk]) in r.content.decode()


def test_it_links_numbers_to_the_filtered_case_list(as_role, world, march):
    r = as_role("clerk").get(reverse("reports:station", args=[world.station_a.pk]) + "?" + MARCH_Q)
    html = r.content.decode()
    assert (
        f"{reverse('petitions:list')}?station={world.station_a.pk}&amp;submitted_from=2026-03-01"
        in html
    )
    assert "status=closed" in html


def test_it_keeps_a_district_clerk_inside_the_district(as_role, world, march):
    client = as_role("clerk")
    r = client.get(reverse("reports:overview") + "?" + MARCH_Q)
    html = r.content.decode()
    assert world.district_y.name not in html
    assert reverse("reports:region", args=[world.district_y.pk]) not in html
    assert client.get(reverse("reports:region", args=[world.district_y.pk])).status_code == 404
    assert client.get(reverse("reports:region", args=[world.city.pk])).status_code == 404
    assert client.get(reverse("reports:station", args=[world.station_b.pk])).status_code == 404
    assert (
        client.get(reverse("reports:monthly", args=[world.district_y.pk, 2026, 3])).status_code
        == 404
    )
    # Asking for another district by parameter is refused with a message, not shown.
    r = client.get(reverse("reports:overview") + f"?region={world.district_y.pk}")
    assert "region" in r.context["form"].errors
    assert "alert-warning" in r.content.decode()
    assert r.context["region"] == world.district_x


def test_it_explains_a_bad_custom_period(as_role, world):
    r = as_role("clerk").get(
        reverse("reports:overview") + "?period=custom&start=2026-03-31&end=2026-03-01"
    )
    assert "The start date must not be after the end date." in r.content.decode()
    r = as_role("clerk").get(reverse("reports:overview") + "?period=custom&start=2026-03-31")
    assert "needs both a start and an end date" in r.content.decode()


def test_it_shows_station_staff_only_their_own_station(as_role, world, march):
    client = as_role("staff")
    assert client.get(reverse("reports:station", args=[world.station_a.pk])).status_code == 200
    assert client.get(reverse("reports:station", args=[world.station_a2.pk])).status_code == 404
    assert client.get(reverse("reports:overview")).status_code == 403


def test_it_lists_overdue_cases_with_days_late(as_role, world, march):
    r = as_role("clerk").get(reverse("reports:overdue"))
    html = r.content.decode()
    assert "P8" in html and world.department.name in html
    assert [p.title for p in r.context["page"]] == ["P8"]
    assert r.context["page"][0].days_late > 100
    # Compare the listed cases, not the raw HTML: a random CSRF token may contain "P8".
    other = as_role("other_clerk").get(reverse("reports:overdue"))
    assert [p.title for p in other.context["page"]] == []


def test_it_ranks_departments_and_deputies(as_role, world, march):
    r = as_role("clerk").get(reverse("reports:departments") + "?" + MARCH_Q)
    row = next(x for x in r.context["rows"] if x["object"] == world.department)
    # Assigned in March: P1 P2 P5 P6 P8 P9 (P6 was submitted in February); P9 replied late.
    assert row["assigned"] == 6 and row["replied"] == 5 and row["on_time"] == 4
    assert row["overdue_now"] == 1
    assert world.other_department.name not in r.content.decode()


def test_it_ranks_stations(as_role, world, march):
    r = as_role("city_clerk").get(reverse("reports:stations_ranking") + "?" + MARCH_Q)
    assert [x["object"] for x in r.context["rows"]] == [world.station_a, world.station_b]


def test_it_draws_the_map_with_and_without_an_outline(as_role, world, march):
    world.station_a.latitude, world.station_a.longitude = 30.75, 120.76
    world.station_a.save()
    r = as_role("clerk").get(reverse("reports:map") + "?" + MARCH_Q)
    assert r.context["map_data"]["points"][0]["value"] == [120.76, 30.75, 8]
    # Without an uploaded outline, the vendored boundaries (see test_map).
    assert r.context["map_data"]["source"] == "vendored"
    square = '{"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 30]]]}'
    basemap.outline_upload(actor=world.user("admin"), region=world.district_x, text=square)
    r = as_role("clerk").get(reverse("reports:map"))
    assert r.context["map_data"]["outline"]["type"] == "FeatureCollection"
    assert r.context["map_data"]["source"] == "uploaded"


def test_it_refuses_a_bad_outline_with_a_clear_message(as_role, world):
    client = as_role("admin")
    r = client.post(
        reverse("reports:map_upload"), {"region": world.city.pk, "text": '{"type": "Point"}'}
    )
    assert "Expected a GeoJSON FeatureCollection" in r.content.decode()
    r = client.post(reverse("reports:map_upload"), {"region": world.city.pk, "text": "{nope"})
    assert "not valid JSON" in r.content.decode()
    assert "{nope" in r.content.decode()  # the input is kept
    assert not RegionOutline.objects.exists()
    good = '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[[120, 30], [121, 30], [121, 31], [120, 30]]]}}]}'
    r = client.post(reverse("reports:map_upload"), {"region": world.city.pk, "text": good})
    assert r.status_code == 302
    assert RegionOutline.objects.get().region == world.city


def test_it_prints_the_monthly_report(as_role, world, march):
    r = as_role("clerk").get(reverse("reports:monthly", args=[world.district_x.pk, 2026, 3]))
    assert r.status_code == 200
    assert r.context["figures"].collected == 8
    assert "css/print.css" in r.content.decode()
    assert (
        as_role("clerk")
        .get(reverse("reports:monthly", args=[world.district_x.pk, 2026, 13]))
        .status_code
        == 404
    )


def test_it_prepares_last_months_reports_once_and_notifies_the_clerks(world, march):
    from core.models import OutboxMessage

    assert prepare_monthly_reports(dt.date(2026, 4, 1)) == 3
    report = MonthlyReport.objects.get(region=world.district_x, year=2026, month=3)
    assert report.figures["collected"] == 8 and report.figures["reply_rate"] == 80.0
    messages = OutboxMessage.objects.filter(user=world.user("clerk"), channel="in_app")
    assert messages.count() == 1
    assert messages.get().url == reverse("reports:monthly", args=[world.district_x.pk, 2026, 3])
    prepare_monthly_reports(dt.date(2026, 4, 1))
    assert MonthlyReport.objects.count() == 3
    assert OutboxMessage.objects.filter(user=world.user("clerk"), channel="in_app").count() == 1


def _bulk_petitions(world, n: int) -> None:
    """n more petitions on station A2 (district X), with events, and rollups applied."""
    rows = Petition.objects.bulk_create(
        [
            Petition(
                channel="phone",
                station=world.station_a2,
                title=f"T{i}",
                content="c",
                status=Status.HANDLING if i % 2 else Status.SUBMITTED,
                lead_department=world.department if i % 2 else None,
                assigned_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC) if i % 2 else None,
                deadline=dt.date(2026, 3, 5) if i % 2 else None,
            )
            for i in range(n)
        ]
    )
    PetitionEvent.objects.bulk_create(
        [PetitionEvent(petition=p, to_status=Status.SUBMITTED) for p in rows]
    )
    rollups.apply_new_events()
    for i in range(n):
        f.StationFactory(region=world.street_s2, name=f"extra{n}-{i}")


@pytest.mark.parametrize(
    "name,query",
    [
        ("reports:overview", ""),
        ("reports:departments", ""),
        ("reports:stations_ranking", ""),
        ("reports:overdue", ""),
        ("reports:map", ""),
    ],
)
def test_it_runs_a_constant_number_of_queries(
    as_role, world, django_assert_num_queries, name, query
):
    client = as_role("city_clerk")
    url = reverse(name)
    client.get(url)  # warm the session and the roles
    _bulk_petitions(world, 3)
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as small:
        assert client.get(url).status_code == 200
    _bulk_petitions(world, 40)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_it_runs_a_constant_number_of_queries_on_the_drill_down(
    as_role, world, django_assert_num_queries
):
    client = as_role("city_clerk")
    url = reverse("reports:region", args=[world.street_s2.pk])
    _bulk_petitions(world, 2)
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as small:
        assert client.get(url).status_code == 200
    _bulk_petitions(world, 30)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
