"""The supervision table the deadline sweep works on: the right working day, once, not twice.

Dates checked by hand against the State Council's 2025 notice: National Day and Mid-Autumn
1–8 October are off, Sunday 28 September and Saturday 11 October are make-up working days.
A case due Tuesday 30 September 2025 (reminder window: 2 working days):
- reminded on Sunday 28 September (a working day: 29 and 30 Sep are the next two), not on
  Friday 26 (the window then ends on Monday 29) nor on Saturday 27;
- 催办 on 1 October (level 1 counts calendar days: late the day after the deadline);
- 督办 on Tuesday 14 October, the 5th working day late (9, 10, 11 (Sat), 13, 14 Oct);
- 挂牌督办 on Tuesday 28 October, the 15th working day late.
"""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import OutboxMessage
from petitions import services
from petitions.choices import Escalation, EventKind, Status
from petitions.models import Petition, PetitionEvent, Supervision
from petitions.tasks import run_sweep

from .factories import make_petition, rate_as_constituent, set_deadline

D = dt.date.fromisoformat
DUE = D("2025-09-30")


@pytest.fixture(autouse=True)
def _window(settings):
    settings.REMIND_DAYS_BEFORE = 2


def _sweep_days(first: str, last: str) -> dict[dt.date, dict]:
    """Run the sweep twice on every day from ``first`` to ``last`` (it runs every 15 minutes);
    what each day's runs did: levels raised and digests queued."""
    out, day = {}, D(first)
    while day <= D(last):
        before = OutboxMessage.objects.count()
        counts = run_sweep(day)
        again = run_sweep(day)
        assert all(v == 0 for v in again.values()), (day, again)  # the second run: nothing
        raised = {k: v for k, v in counts.items() if k.startswith("level") and v}
        out[day] = {"raised": raised, "messages": OutboxMessage.objects.count() - before}
        day += dt.timedelta(days=1)
    return out


def _escalations(p: Petition) -> list[str]:
    return list(
        PetitionEvent.objects.filter(petition=p, kind=EventKind.ESCALATED)
        .order_by("pk")
        .values_list("note", flat=True)
    )


def _reminders(user) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(
            user=user, dedupe_key__startswith="sweep:remind:", channel="in_app"
        )
    )


def test_it_reminds_and_escalates_on_the_right_working_day_once(world):
    p = set_deadline(make_petition(world, Status.HANDLING, title="桥面破损"), DUE)
    days = _sweep_days("2025-09-26", "2025-10-30")
    active = {day: what for day, what in days.items() if what["messages"] or what["raised"]}
    assert list(active) == [D("2025-09-28"), D("2025-10-01"), D("2025-10-14"), D("2025-10-28")]
    assert active[D("2025-10-01")]["raised"] == {"level1": 1}
    assert active[D("2025-10-14")]["raised"] == {"level2": 1}
    assert active[D("2025-10-28")]["raised"] == {"level3": 1}
    # the department was reminded once, on the Sunday that is a working day
    (reminder,) = _reminders(world.user("handler"))
    assert "桥面破损" in reminder.subject and "2025-09-30" in reminder.subject
    assert not _reminders(world.user("staff"))  # a reminder goes to the department only
    # one event per level, in order; the case page shows the level reached
    assert _escalations(p) == [str(level.label) for level in list(Escalation)[1:]]
    row = Supervision.objects.get(petition=p)
    assert (row.level, row.reminded_on, row.escalated_on) == (
        Escalation.LISTED,
        D("2025-09-28"),
        D("2025-10-28"),
    )
    assert Petition.objects.get(pk=p.pk).escalation == Escalation.LISTED


def test_a_case_many_days_late_gets_one_event_at_its_final_level(world):
    p = set_deadline(make_petition(world, Status.ASSIGNED), DUE)
    counts = run_sweep(D("2025-10-28"))
    assert (counts["level3"], counts["level2"], counts["level1"]) == (1, 0, 0)
    assert _escalations(p) == [str(Escalation.LISTED.label)]


def test_a_reopened_case_is_supervised_again_from_its_new_deadline(world):
    p = set_deadline(make_petition(world, Status.HANDLING), DUE)
    run_sweep(D("2025-10-14"))
    assert Petition.objects.get(pk=p.pk).escalation == Escalation.SUPERVISED
    staff, handler = world.user("staff"), world.user("handler")
    p = services.petition_reply(actor=handler, petition=p, body="已修复。")
    p = services.petition_give_feedback(actor=staff, petition=p, method="phone")
    p = rate_as_constituent(p, "unsatisfied")
    assert p.status == Status.HANDLING and p.reopen_count == 1
    row = Supervision.objects.get(petition=p)
    # a new round: the new deadline, level 0, not reminded yet
    assert (row.deadline, row.level, row.reminded_on) == (p.deadline, Escalation.NONE, None)
    assert p.escalation == Escalation.NONE
    # its new deadline is supervised like the first: late the day after, told again
    before = OutboxMessage.objects.filter(user=handler).count()
    assert run_sweep(p.deadline)["level1"] == 0
    assert run_sweep(p.deadline + dt.timedelta(days=1))["level1"] == 1
    assert OutboxMessage.objects.filter(user=handler).count() > before
    assert _escalations(p)[-1] == str(Escalation.URGED.label)


def test_replied_and_closed_cases_are_left_alone_and_keep_their_level(world):
    replied = set_deadline(make_petition(world, Status.HANDLING), DUE)
    run_sweep(D("2025-10-01"))
    replied = services.petition_reply(
        actor=world.user("handler"), petition=replied, body="已答复。"
    )
    closed = make_petition(world, Status.CLOSED)
    row = Supervision.objects.get(petition=replied)
    assert (row.deadline, row.level) == (None, Escalation.URGED)  # out of the sweep's reach
    counts = run_sweep(D("2025-10-28"))
    assert all(v == 0 for v in counts.values())
    assert _escalations(replied) == [str(Escalation.URGED.label)]
    assert not _escalations(closed)
    # the level reached stays on the record (the case page's badge, the ledgers, the API)
    assert Petition.objects.get(pk=replied.pk).escalation == Escalation.URGED
    assert Supervision.objects.get(petition=closed).deadline is None


def test_a_new_deadline_lifts_supervision_and_a_returned_case_leaves_it(world):
    p = set_deadline(make_petition(world, Status.HANDLING), DUE)
    run_sweep(D("2025-10-14"))
    staff, handler = world.user("staff"), world.user("handler")
    new_deadline = timezone.localdate() + dt.timedelta(days=40)
    services.extension_request(
        actor=handler, petition=p, requested_deadline=new_deadline, reason="需要立项"
    )
    services.extension_decide(actor=staff, petition=p, approve=True)
    row = Supervision.objects.get(petition=p)
    assert (row.deadline, row.level) == (new_deadline, Escalation.NONE)
    returned = make_petition(world, Status.ASSIGNED)
    returned = services.petition_return(actor=handler, petition=returned, reason="不属于本单位")
    assert Supervision.objects.get(petition=returned).deadline is None


def test_the_to_do_tile_and_the_list_read_the_level_without_a_query_per_case(
    world, django_assert_max_num_queries
):
    from petitions.selectors import petition_list

    for _ in range(3):
        set_deadline(make_petition(world, Status.HANDLING), DUE)
    run_sweep(D("2025-10-01"))
    with django_assert_max_num_queries(2):
        levels = [p.escalation for p in petition_list(world.user("staff"), {}, today=DUE)]
    assert levels.count(Escalation.URGED) == 3
