"""The petitions list's filters, and the dashboard's drill-down: a number and its rows agree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from petitions import services
from petitions.choices import Status
from reports import rollups
from tests.reports.support import Loop, at, build_march

pytestmark = pytest.mark.django_db
MARCH_Q = "period=custom&start=2026-03-01&end=2026-03-31"
LIST = reverse("petitions:list")
# Every linked figure must match row for row ("reopened" is a sum of reopenings; in this data
# no case was reopened twice).
EXACT = (
    "collected",
    "accepted",
    "declined",
    "merged",
    "assigned",
    "replied",
    "closed",
    "unsatisfied",
    "reopened",
    "overdue_now",
)


@pytest.fixture
def march(world):
    ps = build_march(world)
    # A case at room A-1 (below station A): in district X's figures, not in station A's.
    room = Loop(world, station=world.room_a1)
    with at(3, 12):
        ps["room"] = room.accept(room.submit("ROOM"))
    # Department D only assists on this one: not in D's lead-department figures.
    admin = world.user("admin")
    with at(3, 14):
        p = room.triage(room.accept(room.submit("ASSIST")))
        ps["assist"] = services.petition_assign(
            actor=admin,
            petition=p,
            lead_department=world.other_department,
            assisting_departments=[world.department],
        )
    rollups.apply_new_events()
    return ps


def _rows(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["form"].errors, response.context["form"].errors
    return response.context["page"].paginator.count


def _check_links(client, figures, links) -> None:
    for name in EXACT:
        assert links[name].startswith(LIST), name
        # "—" (None) on the page for a scope without overdue cases means none.
        assert _rows(client, links[name]) == (getattr(figures, name) or 0), name


@pytest.mark.parametrize("page", ["station", "region"])
def test_it_shows_exactly_the_cases_behind_each_figure(as_role, world, march, page):
    client = as_role("clerk")
    if page == "station":
        url = reverse("reports:station", args=[world.station_a.pk])
    else:
        url = reverse("reports:region", args=[world.district_x.pk])
    response = client.get(f"{url}?{MARCH_Q}")
    figures, links = response.context["figures"], response.context["links"]
    assert figures.collected == (8 if page == "station" else 10)
    # The ASSIST case (room A-1, assigned 14 Mar) is overdue now too.
    assert figures.overdue_now == (1 if page == "station" else 2) and figures.closed == 4
    html = response.content.decode()
    assert links["closed"].replace("&", "&amp;") in html
    _check_links(client, figures, links)
    # The rows of the table below (child regions or stations) link the same way.
    for row in response.context.get("children") or []:
        _check_links(client, row["figures"], row["links"])


def test_it_matches_the_department_table(as_role, world, march):
    client = as_role("clerk")
    response = client.get(
        f"{reverse('reports:departments')}?{MARCH_Q}&region={world.district_x.pk}"
    )
    (row,) = [r for r in response.context["rows"] if r["object"] == world.department]
    # Assigned in March as lead: P1 P2 P5 P8 P9 and P6 (submitted in February).
    assert row["assigned"] == 6 and row["overdue_now"] == 1
    assert _rows(client, row["links"]["assigned"]) == 6
    assert _rows(client, row["links"]["overdue_now"]) == 1
    # Widened to the cases it assists on, the list shows one more.
    assert _rows(client, row["links"]["assigned"] + "&assisting=1") == 7


def test_it_counts_local_days_at_both_ends_of_the_period(as_role, world, march):
    client = as_role("staff")
    # P6 was submitted at 23:30 on 28 Feb and P7 at 23:50 on 31 Mar, Beijing time.
    march_rows = client.get(LIST + "?submitted_from=2026-03-01&submitted_to=2026-03-31")
    titles = {p.title for p in march_rows.context["page"]}
    assert "P7" in titles and "P6" not in titles
    feb = client.get(LIST + "?submitted_from=2026-02-28&submitted_to=2026-02-28")
    assert [p.title for p in feb.context["page"]] == ["P6"]


def test_it_filters_a_station_alone_and_a_region_with_its_subtree(as_role, world, march):
    client = as_role("staff")
    station = client.get(LIST + f"?station={world.station_a.pk}").context["page"]
    assert "ROOM" not in {p.title for p in station.object_list}
    region = client.get(LIST + f"?region={world.street_s1.pk}").context["page"]
    assert "ROOM" in {p.title for p in region.object_list}
    html = client.get(LIST + f"?station={world.station_a.pk}&replied=1").content.decode()
    assert "Station: 新兴街道人大代表联络站" in html and "Replied by a department" in html


def test_it_stays_inside_what_the_user_may_see(as_role, world, march):
    # District Y's clerk asking for district X's station or region sees no case of it.
    client = as_role("other_clerk")
    response = client.get(LIST + f"?station={world.station_a.pk}")
    assert response.context["page"].paginator.count == 0
    assert "station" in response.context["form"].errors
    response = client.get(LIST + f"?region={world.district_x.pk}&submitted_from=2026-03-01")
    assert response.context["page"].paginator.count == 0
    # Unfiltered, they see their own district's case only.
    titles = {p.title for p in client.get(LIST).context["page"]}
    assert titles == {"P10"}


def test_it_explains_a_filter_it_cannot_read_and_keeps_the_input(as_role, world, march):
    response = as_role("staff").get(
        LIST + "?submitted_from=2026-03-31&submitted_to=2026-03-01&q=路灯"
    )
    html = response.content.decode()
    assert "The end date is before the start date." in html
    assert 'value="2026-03-31"' in html and 'value="路灯"' in html
    assert response.context["page"].paginator.count == 0


def test_it_filters_by_tier_satisfaction_and_flags(as_role, world, march):
    client = as_role("staff")
    assert _rows(client, LIST + f"?satisfaction=satisfied&station={world.station_a.pk}") == 3
    # P3, P4, P7 and ROOM were never triaged.
    assert _rows(client, LIST + "?tier=none") == 4
    assert _rows(client, LIST + "?tier=street&status=" + Status.CLOSED) == 5
    # P1 P2 P5 P7 P8 P9, ROOM and ASSIST.
    assert _rows(client, LIST + "?accepted=1&submitted_from=2026-03-01") == 8
