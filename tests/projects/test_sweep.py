"""The milestone sweep (督): overdue milestones are escalated like cases and the lead department
and the covering clerks are told once per level."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from projects import services
from projects.choices import Status
from projects.models import Milestone
from projects.tasks import run_sweep

from .factories import make_candidate

pytestmark = pytest.mark.django_db


def _overdue(world, days_late: int, title="完成招标"):
    c = make_candidate(world, Status.IN_PROGRESS)
    today = timezone.localdate()
    m = services.milestone_add(
        actor=world.user("handler"), candidate=c, title=title,
        due_date=today - dt.timedelta(days=days_late),
    )  # fmt: skip
    return c, m, today


def test_an_overdue_milestone_is_urged_and_people_are_told_once(world):
    c, m, today = _overdue(world, 2)
    done = services.milestone_add(actor=world.user("handler"), candidate=c, title="设计",
                                  due_date=today - dt.timedelta(days=9))  # fmt: skip
    services.milestone_done(actor=world.user("handler"), candidate=c, milestone=done,
                            done_on=today - dt.timedelta(days=10))  # fmt: skip
    result = run_sweep(today)
    assert result["level1"] == 1
    m.refresh_from_db()
    assert (m.escalation, m.overdue_since) == (1, today)
    assert Milestone.objects.get(pk=done.pk).escalation == 0  # done on time: nothing to chase
    assert c.events.filter(kind="overdue").count() == 1
    told = set(
        OutboxMessage.objects.filter(channel="in_app", subject__contains="完成招标").values_list(
            "user__username", flat=True
        )
    )
    assert told == {"handler", "clerk", "city_clerk"}
    assert run_sweep(today) == {"level3": 0, "level2": 0, "level1": 0}
    assert OutboxMessage.objects.filter(subject__contains="完成招标").count() == 3


def test_a_long_late_milestone_gets_one_event_at_its_final_level(world):
    c, m, today = _overdue(world, 40)
    run_sweep(today)
    m.refresh_from_db()
    assert m.escalation == 3
    assert c.events.filter(kind="overdue").count() == 1


def test_milestones_of_finished_projects_are_not_chased(world):
    c, m, today = _overdue(world, 3)
    services.candidate_complete(actor=world.user("clerk"), candidate=c, completed_at=today)
    assert run_sweep(today)["level1"] == 0


def test_the_sweep_is_declared_for_beat():
    from core.schedules import declared_schedules

    assert "projects.tasks.sweep_projects" in {s.task for s in declared_schedules()}
