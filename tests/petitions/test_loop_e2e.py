"""The whole loop against PostgreSQL and Redis, with a real Celery worker delivering notices.

Every step goes through the services in its own transaction (transactional_db), so the outbox
rows are committed and their delivery tasks reach the worker through Redis exactly as in
production. Skipped without DATABASE_URL (PostgreSQL) and REDIS_URL; CI runs them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core import notify as notify_mod
from core.models import Notification, OutboxMessage, OutboxStatus
from petitions import services
from petitions.choices import (
    Channel,
    Escalation,
    EventKind,
    FeedbackMethod,
    Satisfaction,
    Status,
    Tier,
    Urgency,
)
from petitions.models import Petition
from petitions.submission import Submission
from petitions.tasks import sweep_deadlines
from tests.conftest import wait_for
from tests.world import build_world

from .factories import category, make_reception, rate_as_constituent, set_deadline

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("services")]


@pytest.fixture
def world(celery_worker):
    # The worker needs committed rows: build the world outside any test transaction.
    return build_world()


def _all_sent(**filters) -> bool:
    rows = OutboxMessage.objects.filter(**filters)
    return rows.exists() and not rows.exclude(status=OutboxStatus.SENT).exists()


def _notified(user, text: str) -> bool:
    return Notification.objects.filter(user=user, title__contains=text).exists()


def _delivered(user, key: str) -> bool:
    """The in-app notice with this dedupe key prefix reached the user's notification list."""
    message = OutboxMessage.objects.filter(
        user=user, channel="in_app", dedupe_key__startswith=key, status=OutboxStatus.SENT
    ).first()
    return message is not None and _notified(user, message.subject)


def _walk_to_feedback(world, p: Petition) -> Petition:
    staff, handler = world.user("staff"), world.user("handler")
    p = services.petition_accept(actor=staff, petition=p)
    p = services.petition_triage(
        actor=staff, petition=p, category=category(), urgency=Urgency.NORMAL, tier=Tier.STREET
    )
    p = services.petition_assign(actor=staff, petition=p, lead_department=world.department)
    p = services.petition_receive(actor=handler, petition=p)
    p = services.petition_reply(actor=handler, petition=p, body="路灯已更换。")
    return services.petition_give_feedback(actor=staff, petition=p, method=FeedbackMethod.PHONE)


def test_it_takes_a_reception_opinion_to_closed_with_the_worker_delivering(world):
    staff, handler, deputy = world.user("staff"), world.user("handler"), world.user("deputy")
    reception = make_reception(world)
    p = services.petition_submit(
        actor=staff,
        submission=Submission(
            station=world.station_a,
            reception=reception,
            channel=Channel.RECEPTION,
            deputy=world.deputy_dave,
            title="幸福里路灯不亮",
            content="小区3幢门口路灯坏了两周。",
            constituent_name="王芳",
            phone="13812345678",
            consent=True,
        ),
    )
    p = _walk_to_feedback(world, p)
    p = rate_as_constituent(p, Satisfaction.SATISFIED)
    assert p.status == Status.CLOSED and p.closed_at
    steps = list(p.events.filter(kind=EventKind.TRANSITION).values_list("to_status", flat=True))
    assert steps == [
        Status.SUBMITTED,
        Status.ACCEPTED,
        Status.TRIAGED,
        Status.ASSIGNED,
        Status.HANDLING,
        Status.REPLIED,
        Status.FEEDBACK_GIVEN,
        Status.CLOSED,
    ]
    # Everything queued on the way is delivered by the worker, not by this process.
    wait_for(lambda: _all_sent(dedupe_key__startswith=f"petition:{p.pk}:"))
    assert _notified(staff, "幸福里路灯不亮") and _notified(deputy, "幸福里路灯不亮")
    assert _notified(handler, "幸福里路灯不亮")  # the assignment
    sms = OutboxMessage.objects.filter(channel="sms", address="13812345678")
    # received (with the code), accepted, answered, and the one-time rating code.
    assert sms.count() == 4
    assert sms.filter(dedupe_key__contains=":rating-code:").count() == 1
    assert sms.filter(subject__contains=p.display_code).exists()


def test_it_reopens_a_qr_case_after_an_unsatisfied_rating(world):
    p = services.petition_submit(
        actor=None,
        submission=Submission(
            station=world.station_a,
            channel=Channel.STATION_QR,
            title="河道有异味",
            content="南湖边河道夏天有异味。",
            constituent_name="李雷",
            phone="13900002222",
            consent=True,
        ),
    )
    p = _walk_to_feedback(world, p)
    assert p.status == Status.FEEDBACK_GIVEN
    first_deadline = p.deadline
    p = rate_as_constituent(p, Satisfaction.UNSATISFIED, comment="还是有味道")
    p.refresh_from_db()
    assert p.status == Status.HANDLING and p.reopen_count == 1
    assert p.deadline >= timezone.localdate() and p.deadline >= first_deadline
    assert p.replied_at is None and p.events.last().actor_label == "constituent"
    wait_for(lambda: _all_sent(dedupe_key__startswith=f"petition:{p.pk}:reopened:1"))
    assert _delivered(world.user("handler"), f"petition:{p.pk}:reopened:1")
    assert _delivered(world.user("staff"), f"petition:{p.pk}:reopened:1:station")
    wait_for(lambda: _all_sent(dedupe_key__startswith=f"petition:{p.pk}:"))


def test_the_sweep_escalates_through_the_worker_and_sends_nothing_twice(world):
    staff = world.user("staff")
    p = services.petition_submit(
        actor=staff,
        submission=Submission(
            station=world.station_a,
            channel=Channel.PHONE,
            title="井盖缺失",
            content="路口井盖缺失。",
            constituent_name="韩梅",
            phone="13700003333",
        ),
    )
    p = services.petition_accept(actor=staff, petition=p)
    p = services.petition_triage(
        actor=staff, petition=p, category=category(), urgency=Urgency.URGENT, tier=Tier.STREET
    )
    p = services.petition_assign(actor=staff, petition=p, lead_department=world.department)
    # Thirty days late: the sweep goes straight to the top level (挂牌督办).
    set_deadline(p, timezone.localdate() - dt.timedelta(days=30))
    wait_for(lambda: _all_sent(dedupe_key__startswith=f"petition:{p.pk}:"))

    sweep_deadlines.delay()
    p = wait_for(
        lambda: Petition.objects.filter(pk=p.pk, supervision__level=Escalation.LISTED).first()
    )
    # One digest per person per level and run (here naming this one case).
    key = f"sweep:{timezone.localdate().isoformat()}:escalation:{int(Escalation.LISTED)}:"
    wait_for(lambda: _all_sent(dedupe_key__startswith=key))
    for role in ("handler", "staff", "clerk", "city_clerk"):
        assert _delivered(world.user(role), key), role
    assert not _delivered(world.user("other_clerk"), key)
    before = (
        OutboxMessage.objects.count(),
        Notification.objects.count(),
        p.events.filter(kind=EventKind.ESCALATED).count(),
    )
    assert before[2] == 1

    # A second run through the worker finds nothing new to do.
    sweep_deadlines.delay()
    # The worker runs one task at a time: once this later delivery is done, so is the sweep.
    marker = notify_mod.notify(
        channel="in_app", user=staff, subject="marker", dedupe_key=f"marker:{p.pk}"
    )
    wait_for(lambda: OutboxMessage.objects.filter(pk=marker.pk, status=OutboxStatus.SENT).exists())
    after = (
        OutboxMessage.objects.count() - 1,
        Notification.objects.count() - 1,
        p.events.filter(kind=EventKind.ESCALATED).count(),
    )
    assert after == before
