"""The monthly report opens on the last finished month; its "overdue" is the end-of-month one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import rollups

from .support import Loop, at, build_march

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(world):
    ps = build_march(world)
    loop = Loop(world)
    # Overdue at the end of March (deadline 27 Mar), replied on 3 April: not overdue today.
    with at(3, 23):
        p = loop.receive(
            loop.assign(loop.triage(loop.accept(loop.submit("Q1"))), dt.date(2026, 3, 27))
        )
    with at(4, 3):
        loop.reply(p)
    # Became overdue only after March (deadlines 10 and 20 April), never replied.
    with at(3, 26):
        for title, day in (("Q2", 10), ("Q3", 20)):
            loop.receive(
                loop.assign(loop.triage(loop.accept(loop.submit(title))), dt.date(2026, 4, day))
            )
    rollups.apply_new_events()
    return ps


def _cell(html: str, name: str) -> int:
    m = re.search(rf'data-figure="{name}">(\d+)<', html)
    assert m, name
    return int(m.group(1))


def test_the_march_report_counts_what_was_overdue_at_the_end_of_march(as_role, world, march):
    html = as_role("clerk").get(reverse("reports:monthly", args=[world.district_x.pk, 2026, 3]))
    html = html.content.decode()
    # P8 (deadline 25 Mar, never replied) and Q1 (deadline 27 Mar, replied in April).
    assert _cell(html, "overdue_at_end") == 2
    assert "Overdue at the end of the month" in html
    # The street's row says the same.
    row = html[html.index("新兴街道") :]
    assert re.search(r"<td>2</td></tr>", row[: row.index("</tr>") + 5])


def test_today_the_overdue_cases_are_others(as_role, world, march):
    r = as_role("clerk").get(reverse("reports:region", args=[world.district_x.pk]))
    # P8, Q2 and Q3 are overdue today; Q1 was replied.
    assert r.context["figures"].overdue_now == 3


def test_the_report_link_opens_on_the_last_finished_month(as_role, world, march):
    html = as_role("clerk").get(reverse("reports:region", args=[world.district_x.pk]))
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    url = reverse("reports:monthly", args=[world.district_x.pk, last.year, last.month])
    assert f'href="{url}"' in html.content.decode()
