"""Cycles and candidate projects walked to a state by the real services (so timelines exist).

The world's district X (南湖区) has one deputy of its congress, 戴伟 ("deputy"); ``more_deputies``
seats more district deputies at station A for tally tests. The cycle's vote administrator is
the district clerk ("clerk"); the city clerk covers the region but does not administer the vote.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from deputies.choices import DeputyLevel
from projects import services
from projects.choices import Choice, Stage, Status, VoteRule
from projects.models import Candidate, Cycle

from ..factories import DeputyFactory, StationAssignmentFactory, UserFactory

S = Status
_years = itertools.count(2030, 2)  # carry-over makes the next year's cycle


def more_deputies(world, n: int) -> list:
    """``n`` more district deputies of district X, each with a login, at station A."""
    made = []
    for _ in range(n):
        d = DeputyFactory(level=DeputyLevel.DISTRICT, user=UserFactory())
        StationAssignmentFactory(deputy=d, station=world.station_a, start_date=dt.date(2022, 1, 1))
        made.append(d)
    return made


def make_cycle(world, *, rule=VoteRule.APPROVE_EACH, n=None, year=None) -> Cycle:
    return services.cycle_create(
        actor=world.user("clerk"),
        region=world.district_x,
        year=year or next(_years),
        title="民生实事项目",
        call_text="欢迎提出民生实事项目建议。",
        vote_rule=rule,
        choose_n=n,
    )


def propose(world, cycle, title="老旧小区加装电梯", role="deputy") -> Candidate:
    return services.candidate_propose(
        actor=world.user(role),
        cycle=cycle,
        title=title,
        description="为六层以上老旧住宅加装电梯。",
        estimated_cost=120,
        departments=[world.department],
    )


def screen(world, c) -> Candidate:
    return services.candidate_screen(
        actor=world.user("clerk"), candidate=c, recommendation="建议列入储备库。"
    )


def open_vote(world, cycle) -> Cycle:
    return services.cycle_open_vote(actor=world.user("clerk"), cycle=cycle)


def close_vote(world, cycle) -> Cycle:
    return services.cycle_close_vote(actor=world.user("clerk"), cycle=cycle)


def make_candidate(world, status: str, cycle=None) -> Candidate:
    """One candidate walked to ``status`` through the services (its cycle made for it)."""
    cycle = cycle or make_cycle(world)
    c = propose(world, cycle)
    if status == S.PROPOSED:
        return c
    if status == S.REJECTED:
        return services.candidate_reject(
            actor=world.user("clerk"), candidate=c, reason="不属于民生实事范围。"
        )
    c = screen(world, c)
    if status == S.RESERVE:
        return c
    open_vote(world, cycle)
    if status == S.ON_BALLOT:
        return Candidate.objects.get(pk=c.pk)
    choice = Choice.AGAINST if status == S.NOT_CHOSEN else Choice.FOR
    services.ballot_cast(actor=world.user("deputy"), cycle=cycle, marks={c.pk: choice})
    close_vote(world, cycle)
    c = Candidate.objects.get(pk=c.pk)
    if status in (S.CHOSEN, S.NOT_CHOSEN):
        return c
    c = services.candidate_start(
        actor=world.user("clerk"),
        candidate=c,
        lead_department=world.department,
        supervisors=[world.deputy_dave],
    )
    if status == S.IN_PROGRESS:
        return c
    if status == S.COMPLETED:
        return services.candidate_complete(
            actor=world.user("handler"), candidate=c, completed_at=timezone.localdate(), spent=110
        )
    assert status == S.CARRIED_OVER
    services.candidate_carry_over(actor=world.user("clerk"), candidate=c, note="年内未完工。")
    return Candidate.objects.get(pk=c.pk)


def cycle_in(world, stage: str) -> Cycle:
    cycle = make_cycle(world)
    if stage == Stage.COLLECTING:
        return cycle
    screen(world, propose(world, cycle))
    open_vote(world, cycle)
    if stage == Stage.VOTING:
        return Cycle.objects.get(pk=cycle.pk)
    close_vote(world, cycle)
    if stage == Stage.IMPLEMENTING:
        return Cycle.objects.get(pk=cycle.pk)
    return services.cycle_finish(actor=world.user("clerk"), cycle=cycle)
