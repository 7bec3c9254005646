"""The funnel is a cohort (cases submitted in the period, by their state today) and never widens."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from reports import rollups

from .support import build_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world):
    ps = build_march(world)
    rollups.apply_new_events()
    return ps


def _funnel(html: str) -> list[tuple[str, int]]:
    table = html[html.index('id="funnel-table"') :]
    table = table[: table.index("</table>")]
    return [
        (re.sub(r"<[^>]+>", "", name).strip(), int(n))
        for name, n in re.findall(r"<tr><td>(.*?)</td><td[^>]*>(\d+)</td></tr>", table)
    ]


def test_the_march_cohort_of_district_x_by_its_state_today(as_role, world, march):
    url = reverse("reports:region", args=[world.district_x.pk])
    html = as_role("clerk").get(url + "?period=custom&start=2026-03-01&end=2026-03-31")
    html = html.content.decode()
    # P1–P5, P7–P9 submitted in March; P3 declined, P4 merged, P7 only accepted, P8 handling.
    assert _funnel(html) == [
        ("Submitted in the period", 8),
        ("Accepted", 6),
        ("Handed on or settled", 5),
        ("Replied", 4),
        ("Closed", 4),
    ]
    assert "Cohort: the cases submitted from 2026-03-01 to 2026-03-31" in html


def test_it_never_widens_where_the_flows_of_the_period_would(as_role, world, march):
    """2–3 March: P6 (sent in February) was accepted, replied and closed then, P9 was sent.
    Counted as flows of the period, more cases would pass each step than were collected; the
    cohort holds P9 alone, at every stage it has reached (closed)."""
    url = reverse("reports:region", args=[world.district_x.pk])
    html = as_role("clerk").get(url + "?period=custom&start=2026-03-02&end=2026-03-03")
    html = html.content.decode()
    values = [n for _name, n in _funnel(html)]
    assert values == [1, 1, 1, 1, 1]
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))


def test_every_stage_holds_only_states_of_the_stage_before():
    from petitions.choices import Status
    from reports.rollups import FUNNEL_STAGES

    assert set(FUNNEL_STAGES[0][2]) == set(Status.values)
    for (_a, _c, before), (_b, _d, after) in zip(FUNNEL_STAGES, FUNNEL_STAGES[1:], strict=False):
        assert set(after) < set(before)
