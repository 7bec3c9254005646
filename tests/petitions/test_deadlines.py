"""Working-day deadlines, the deadline sweep (reminders, 催办/督办/挂牌督办) and auto-close."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, OutboxMessage
from core.workdays import Calendar
from petitions.choices import Channel, Escalation, Status, Tier
from petitions.models import Petition, PetitionEvent, Supervision
from petitions.tasks import auto_close_unrated, run_sweep, sweep_deadlines

from .factories import make_petition, rate_as_constituent, set_deadline

D = dt.date.fromisoformat


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2025-09-26", 1, "2025-09-28"),  # Sunday 28 Sep is a make-up working day
        ("2025-09-30", 1, "2025-10-09"),  # National Day holiday 1–8 Oct is skipped
        ("2025-10-09", 2, "2025-10-11"),  # Saturday 11 Oct is a make-up working day
        ("2025-09-30", 15, "2025-10-28"),  # counts make-up Saturday 11 Oct
        ("2026-02-13", 1, "2026-02-14"),  # Saturday 14 Feb 2026 is a make-up working day
        ("2026-02-14", 1, "2026-02-24"),  # Spring Festival 15–23 Feb is skipped
        ("2026-02-27", 1, "2026-02-28"),  # Saturday 28 Feb 2026 is a make-up working day
    ],
)
def test_it_counts_working_days_across_holidays(start, days, expected):
    assert Calendar().add_working_days(D(start), days) == D(expected)


@pytest.mark.parametrize(
    ("channel", "tier", "setting"),
    [
        (Channel.PHONE, Tier.STREET, "REPLY_DAYS_DEFAULT"),
        (Channel.ONLINE, Tier.STREET, "REPLY_DAYS_ONLINE"),
        (Channel.PHONE, Tier.SUGGESTION, "REPLY_DAYS_SUGGESTION"),
    ],
)
def test_it_sets_the_deadline_from_the_reply_days_setting(world, settings, channel, tier, setting):
    p = make_petition(world, Status.ASSIGNED, channel=channel, tier=tier)
    expected = Calendar().add_working_days(timezone.localdate(), getattr(settings, setting))
    assert p.deadline == expected


def _late(world, days_late: int, **kw) -> Petition:
    p = make_petition(world, Status.HANDLING, **kw)
    cal = Calendar()
    deadline = cal.add_working_days(timezone.localdate(), -days_late)
    return set_deadline(p, deadline)


def _told(prefix: str) -> dict[str, str]:
    """username -> in-app message body, for the digests whose dedupe key starts with prefix."""
    return dict(
        OutboxMessage.objects.filter(dedupe_key__startswith=prefix, channel="in_app").values_list(
            "user__username", "body"
        )
    )


def test_it_escalates_by_lateness_and_only_once(world, django_capture_on_commit_callbacks):
    urged, supervised = _late(world, 2, title="路灯不亮"), _late(world, 6, title="井盖缺失")
    listed = _late(world, 16, title="垃圾清运")
    on_time = make_petition(world, Status.HANDLING)
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep()
    levels = {p.pk: p.escalation for p in Petition.objects.select_related("supervision")}
    assert levels[urged.pk] == Escalation.URGED
    assert levels[supervised.pk] == Escalation.SUPERVISED
    assert levels[listed.pk] == Escalation.LISTED
    assert levels[on_time.pk] == Escalation.NONE
    events = PetitionEvent.objects.filter(kind="escalated").count()
    messages = OutboxMessage.objects.count()
    # clerks of the region, the station's staff and the department's handlers are told
    today = timezone.localdate().isoformat()
    told = _told(f"sweep:{today}:escalation:{int(Escalation.LISTED)}:")
    assert {"handler", "staff", "clerk", "city_clerk"} <= set(told)
    assert "other_clerk" not in told
    assert all("垃圾清运" in body for body in told.values())
    # and the messages were delivered into their notification lists
    assert Notification.objects.filter(
        user=world.user("clerk"), title__contains="垃圾清运"
    ).exists()
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines.delay()
    assert PetitionEvent.objects.filter(kind="escalated").count() == events == 3
    assert OutboxMessage.objects.count() == messages


def test_it_sends_one_digest_per_person_not_one_message_per_case(
    world, django_capture_on_commit_callbacks
):
    late = [_late(world, 16, title=f"第{i}号案件") for i in range(12)]
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep()
    today = timezone.localdate().isoformat()
    told = _told(f"sweep:{today}:escalation:{int(Escalation.LISTED)}:")
    assert {"handler", "staff", "clerk", "city_clerk"} <= set(told)
    assert "other_clerk" not in told and "other_handler" not in told
    clerk = world.user("clerk")
    notices = Notification.objects.filter(user=clerk)
    assert notices.count() == 1
    notice = notices.get()
    assert "12" in notice.title
    # the first ten titles and how many more; the link leads to the overdue list
    assert "第0号案件" in notice.body and "2" in notice.body.splitlines()[-1]
    assert notice.url.endswith("?overdue=1")
    handler_notice = Notification.objects.get(user=world.user("handler"))
    assert handler_notice.url == reverse("petitions:department_cases")
    assert all(p.events.filter(kind="escalated").count() == 1 for p in late)
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep()
    assert Notification.objects.filter(user=clerk).count() == 1


def test_it_reminds_the_department_before_the_deadline_once(world, settings):
    p = make_petition(world, Status.HANDLING, title="楼道灯坏")
    set_deadline(p, Calendar().add_working_days(timezone.localdate(), settings.REMIND_DAYS_BEFORE))
    run_sweep()
    run_sweep()
    reminders = _told("sweep:remind:")
    assert list(reminders) == ["handler"]
    assert "楼道灯坏" in reminders["handler"]


def test_it_auto_closes_cases_left_unrated(world, settings):
    old = make_petition(world, Status.FEEDBACK_GIVEN)
    recent = make_petition(world, Status.FEEDBACK_GIVEN)
    Petition.objects.filter(pk=old.pk).update(
        feedback_at=timezone.now() - dt.timedelta(days=settings.AUTO_CLOSE_UNRATED_DAYS + 1)
    )
    auto_close_unrated.delay()
    auto_close_unrated.delay()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.CLOSED and old.closed_unrated and old.closed_at
    assert recent.status == Status.FEEDBACK_GIVEN
    assert old.events.filter(to_status="closed", actor_label="system").count() == 1


def test_it_resets_escalation_when_a_case_is_reopened(world):
    p = make_petition(world, Status.FEEDBACK_GIVEN)
    assert Supervision.objects.filter(petition=p).update(level=Escalation.LISTED) == 1
    p = rate_as_constituent(p, "unsatisfied")
    assert p.escalation == Escalation.NONE
