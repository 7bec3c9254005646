"""The department league table and the deputy ranking: ranks, sortable columns, one query."""

import pytest
from django.urls import reverse

from petitions.models import Petition
from reports import rollups

from .support import build_march

MARCH_Q = "period=custom&start=2026-03-01&end=2026-03-31"


@pytest.fixture
def march(world):
    ps = build_march(world)
    dave, peggy = world.deputy_dave, world.deputy_peggy
    Petition.objects.filter(pk__in=[ps[k].pk for k in ("p1", "p2", "p5")]).update(deputy=dave)
    Petition.objects.filter(pk__in=[ps[k].pk for k in ("p3", "p7", "p10")]).update(deputy=peggy)
    rollups.apply_new_events()
    return ps


def _departments(client, sort=""):
    url = reverse("reports:departments") + "?" + MARCH_Q + (f"&sort={sort}" if sort else "")
    return client.get(url)


def test_the_on_time_rate_counts_the_overdue_case_against_the_department(as_role, world, march):
    row = _departments(as_role("clerk")).context["rows"][0]
    # Assigned in March: P1 P2 P5 P6 P8 P9. On time: P1 P2 P5 P6; late: P9 (replied after its
    # deadline) and P8 (open past its deadline, the overdue column's 1): 4 of 6.
    assert row["object"] == world.department
    assert (row["replied"], row["on_time"], row["overdue_now"]) == (5, 4, 1)
    assert row["on_time_rate"] == 66.7


def test_it_numbers_and_sorts_the_departments(as_role, world, march):
    client = as_role("city_clerk")
    rows = _departments(client).context["rows"]
    assert [(r["rank"], r["object"], r["assigned"]) for r in rows] == [
        (1, world.department, 6),
        (2, world.other_department, 0),
    ]
    rows = _departments(client, "assigned").context["rows"]
    assert [r["object"] for r in rows] == [world.other_department, world.department]
    # A department with no rate yet has no rank on that column and comes last either way.
    for sort in ("on_time_rate", "-on_time_rate"):
        rows = _departments(client, sort).context["rows"]
        assert [(r["rank"], r["object"]) for r in rows] == [
            (1, world.department),
            (None, world.other_department),
        ]
    html = _departments(client, "-overdue_now").content.decode()
    assert "sort=overdue_now" in html and "↓" in html  # the current column offers the reverse


def test_the_league_table_links_to_the_deputy_ranking_page(as_role, march):
    html = _departments(as_role("clerk")).content.decode()
    assert reverse("reports:deputies") + "?" + MARCH_Q.replace("&", "&amp;") in html


def _deputies(client, sort=""):
    url = reverse("reports:deputies") + "?" + MARCH_Q + (f"&sort={sort}" if sort else "")
    return [
        (d["rank"], d["deputy__name"], d["collected"], d["closed"], d["closed_rate"])
        for d in client.get(url).context["page"]
    ]


def test_it_ranks_the_deputies_of_the_region_on_their_own_page(as_role, march):
    # District X in March: 戴伟 P1 P2 P5 (all closed); 裴佳 P3 (declined) and P7 (accepted).
    assert _deputies(as_role("clerk")) == [(1, "戴伟", 3, 3, 100.0), (2, "裴佳", 2, 0, 0.0)]
    assert _deputies(as_role("clerk"), "closed_rate") == [
        (1, "裴佳", 2, 0, 0.0),
        (2, "戴伟", 3, 3, 100.0),
    ]
    # The city adds P10 of district Y to 裴佳: a tie on collected shares rank 1.
    assert [r[:3] for r in _deputies(as_role("city_clerk"))] == [(1, "戴伟", 3), (1, "裴佳", 3)]


def test_the_deputy_ranking_is_one_grouped_query_and_one_for_names(
    as_role, march, django_assert_max_num_queries
):
    client = as_role("city_clerk")
    url = reverse("reports:deputies") + "?" + MARCH_Q
    client.get(url)
    with django_assert_max_num_queries(10) as ctx:
        client.get(url)
    per_deputy = [q["sql"] for q in ctx.captured_queries if "deputy_id" in q["sql"]]
    assert len(per_deputy) == 2  # the ranking (with its count) grouped once; no query per deputy
