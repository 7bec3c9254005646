"""The "八个一" items that other apps record: a livelihood project the deputy supervises
(projects/) and a report-back session where they spoke (ties/) count without a self-report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from duty.items import BY_CODE
from duty.openness import station_projects
from projects.choices import Status as ProjectStatus
from tests.projects.factories import make_candidate, make_cycle
from tests.ties.support import make_reportback

pytestmark = pytest.mark.django_db


def _year_count(code: str, deputy, year: int) -> int:
    return sum(BY_CODE[code].count([deputy.pk], year)[deputy.pk].values())


def test_a_supervised_project_counts_once_and_only_in_its_cycle_year(world):
    year = timezone.localdate().year
    cycle = make_cycle(world, year=year)
    make_candidate(world, ProjectStatus.IN_PROGRESS, cycle=cycle)  # 戴伟 supervises it
    make_candidate(world, ProjectStatus.NOT_CHOSEN, cycle=make_cycle(world, year=year + 1))
    assert _year_count("project", world.deputy_dave, year) == 1
    assert _year_count("project", world.deputy_dave, year + 1) == 0  # not chosen: not taken on
    assert _year_count("project", world.deputy_peggy, year) == 0


def test_a_report_back_session_counts_for_its_speakers_in_the_month_held(world):
    make_reportback(world, held_on=dt.date(2024, 5, 20))  # 戴伟 reports orally
    counts = BY_CODE["report_back"].count([world.deputy_dave.pk, world.deputy_peggy.pk], 2024)
    assert counts[world.deputy_dave.pk] == {5: 1}
    assert not counts[world.deputy_peggy.pk]
    assert _year_count("report_back", world.deputy_dave, 2023) == 0


def test_the_station_page_lists_its_chosen_projects_only(world):
    chosen = make_candidate(world, ProjectStatus.CHOSEN)
    proposed = make_candidate(world, ProjectStatus.PROPOSED)
    for c in (chosen, proposed):
        c.station = world.station_a
        c.save(update_fields=["station"])
    titles = station_projects(world.station_a)
    assert titles == [(chosen.title, str(ProjectStatus.CHOSEN.label))]
    assert station_projects(world.station_b) == []
