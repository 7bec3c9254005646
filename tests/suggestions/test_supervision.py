"""The statutory limit, and the supervision sweep (reminders, 催办 → 督办 → 挂牌督办, follow-ups)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from petitions.choices import Escalation
from suggestions import services
from suggestions.choices import Classification, EventKind, Status
from suggestions.models import Suggestion, SuggestionEvent
from suggestions.schedules import SCHEDULES
from suggestions.tasks import run_sweep, sweep_suggestions

from .factories import make_suggestion

pytestmark = pytest.mark.django_db
D = dt.date.fromisoformat


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2025-03-10", "2025-06-10"),  # three calendar months
        ("2025-07-04", "2025-10-09"),  # 4 Oct falls in the National Day holiday: next working day
        ("2025-11-30", "2026-02-28"),  # no 30 Feb: the month's last day, a make-up Saturday
        ("2025-12-14", "2026-03-16"),  # 14 Mar 2026 is a Saturday: Monday 16 Mar
    ],
)
def test_the_limit_is_three_calendar_months_ending_on_a_working_day(start, expected):
    assert services.compute_deadline(D(start)) == D(expected)


def test_the_limit_can_be_counted_in_working_days(settings):
    settings.SUGGESTION_LIMIT_UNIT = "working_days"
    settings.SUGGESTION_LIMIT = 15
    assert services.compute_deadline(D("2025-09-30")) == D("2025-10-28")  # skips National Day


def test_assigning_fills_in_the_limit_and_unsatisfied_brings_a_new_one(world, settings):
    settings.SUGGESTION_REDO_LIMIT = 2
    s = make_suggestion(world, Status.HANDLING)
    today = timezone.localdate()
    assert s.deadline == services.compute_deadline(today)
    s = make_suggestion(
        world, Status.CLOSED, classification=Classification.C, evaluation="unsatisfied"
    )
    assert (s.status, s.round) == (Status.HANDLING, 1)
    assert s.deadline == services.compute_deadline(today, again=True)
    assert s.deadline > today


def _due(s, days: int):
    Suggestion.objects.filter(pk=s.pk).update(deadline=timezone.localdate() + dt.timedelta(days))


def test_the_sweep_escalates_once_per_level_and_tells_everyone_once(world):
    late = make_suggestion(world, Status.HANDLING)
    very_late = make_suggestion(world, Status.HANDLING)
    fine = make_suggestion(world, Status.HANDLING)
    _due(late, -1)
    _due(very_late, -40)
    before = OutboxMessage.objects.count()
    result = run_sweep()
    assert (result["level1"], result["level3"]) == (1, 1)
    late.refresh_from_db(), very_late.refresh_from_db(), fine.refresh_from_db()
    assert (late.escalation, very_late.escalation, fine.escalation) == (
        Escalation.URGED,
        Escalation.LISTED,
        Escalation.NONE,
    )
    # The very late one got one event, at its final level.
    events = SuggestionEvent.objects.filter(suggestion=very_late, kind=EventKind.ESCALATED)
    assert [e.note for e in events] == [str(Escalation.LISTED.label)]
    told = OutboxMessage.objects.filter(pk__gt=0).count() - before
    handler = OutboxMessage.objects.filter(user=world.user("handler"), channel="in_app")
    assert handler.filter(subject__contains="Listed for supervision").exists()
    assert OutboxMessage.objects.filter(user=world.user("clerk")).exists()
    assert not OutboxMessage.objects.filter(user=world.user("other_clerk")).exists()
    # A second run changes and sends nothing.
    again = run_sweep()
    assert again["level1"] == again["level3"] == 0
    assert OutboxMessage.objects.count() - before == told


def test_the_sweep_reminds_the_department_before_the_limit(world):
    s = make_suggestion(world, Status.HANDLING)
    _due(s, 1)
    assert run_sweep()["reminded"] >= 1
    assert OutboxMessage.objects.filter(
        user=world.user("handler"), subject__startswith="Reminder"
    ).exists()
    assert run_sweep()["reminded"] == 0  # the same set is not reminded twice


def test_the_sweep_asks_for_news_of_a_plan_whose_follow_up_date_came(world):
    s = make_suggestion(world, Status.FOLLOWING)
    Suggestion.objects.filter(pk=s.pk).update(follow_up_date=timezone.localdate())
    assert run_sweep()["follow_ups"] == 1
    assert OutboxMessage.objects.filter(
        user=world.user("handler"), subject__startswith="Follow-up due"
    ).exists()


def test_the_beat_task_is_declared_and_runs(world):
    assert [s.task for s in SCHEDULES] == ["suggestions.tasks.sweep_suggestions"]
    assert set(sweep_suggestions.delay().get()) >= {"reminded", "level1", "follow_ups"}
