"""The TRANSITIONS table: every allowed and every forbidden move, events and on-commit work."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.models import OutboxMessage
from petitions import services
from petitions.choices import EventKind, FeedbackMethod, Status, Tier, Urgency
from petitions.models import Petition, PetitionEvent
from petitions.services import TRANSITIONS, IllegalTransition, StaleCase

from .factories import category, make_petition

REACHABLE = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.TRIAGED,
    Status.ASSIGNED,
    Status.HANDLING,
    Status.REPLIED,
    Status.FEEDBACK_GIVEN,
    Status.CLOSED,
    Status.DECLINED,
    Status.MERGED,
]


def run(action: str, world, p: Petition):
    """Perform ``action`` on ``p`` as a user who holds the right for it."""
    staff, handler, deputy = world.user("staff"), world.user("handler"), world.user("deputy")
    v = {"petition": p}
    if action == "accept":
        return services.petition_accept(actor=staff, **v)
    if action == "decline":
        return services.petition_decline(actor=staff, reason="重复", **v)
    if action == "merge":
        other = make_petition(world, Status.ACCEPTED, title="原件")
        return services.petition_merge(actor=staff, into=other, **v)
    if action == "triage":
        return services.petition_triage(
            actor=staff, category=category(), urgency=Urgency.NORMAL, tier=Tier.COMMUNITY, **v
        )
    if action == "resolve_on_spot":
        if p.tier != Tier.COMMUNITY:
            Petition.objects.filter(pk=p.pk).update(tier=Tier.COMMUNITY)
        return services.petition_resolve_on_spot(actor=staff, resolution="现场解决", **v)
    if action == "assign":
        return services.petition_assign(actor=staff, lead_department=world.department, **v)
    if action == "receive":
        return services.petition_receive(actor=handler, **v)
    if action == "return":
        return services.petition_return(actor=handler, reason="不属本单位职责", **v)
    if action == "extension_request":
        return services.extension_request(
            actor=handler,
            requested_deadline=(p.deadline or timezone.localdate()) + dt.timedelta(days=30),
            reason="需要协调",
            **v,
        )
    if action == "extension_decide":
        return services.extension_decide(actor=staff, approve=True, **v)
    if action == "reply":
        return services.petition_reply(actor=handler, body="已答复", **v)
    if action == "opinion":
        return services.reply_add_opinion(
            actor=handler, body="协办意见", department=world.department, **v
        )
    if action == "feedback":
        return services.petition_give_feedback(actor=staff, method=FeedbackMethod.PHONE, **v)
    if action == "rate":
        return services.petition_rate(
            actor=None, rater="constituent", satisfaction="satisfied", **v
        )
    if action == "reopen":
        return services.petition_rate(
            actor=None, rater="constituent", satisfaction="unsatisfied", **v
        )
    if action == "rate_deputy":
        return services.petition_rate(actor=deputy, rater="deputy", satisfaction="basic", **v)
    if action == "auto_close":
        return services.petition_auto_close(**v)
    raise AssertionError(action)


CASES = [(a, s) for a in TRANSITIONS for s in REACHABLE]


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_it_allows_exactly_the_moves_in_the_table(world, action, status):
    p = make_petition(world, status)
    if action == "opinion":
        # The lead department's handler also assists here, so the opinion right exists.
        from stations.models import Department

        helper_dept = Department.objects.create(name="协办局", region=world.district_x)
        world.user("handler").handler_posts.create(department=helper_dept)
        world.user("handler")._roles_cache = None
        del world.user("handler")._roles_cache
        if p.status in TRANSITIONS["opinion"][0]:
            p.assisting_departments.add(helper_dept)
        world.department = helper_dept
    if action == "extension_decide" and p.status in TRANSITIONS[action][0]:
        run("extension_request", world, p)
    p.refresh_from_db()
    # A merge also writes an internal note (the original's code, for staff only).
    timeline = PetitionEvent.objects.filter(petition=p).exclude(kind=EventKind.NOTE)
    before_events = timeline.count()
    before = (p.status, p.version)
    allowed_from, to = TRANSITIONS[action]
    if status in allowed_from:
        run(action, world, Petition.objects.get(pk=p.pk))
        p.refresh_from_db()
        if action == "auto_close":
            assert p.status == Status.CLOSED
        else:
            assert p.status == (to or status)
        assert p.version == before[1] + 1
        event = timeline.last()
        assert timeline.count() == before_events + 1
        assert event.from_status == status
        assert event.to_status == p.status
    else:
        if action == "auto_close":
            assert services.petition_auto_close(petition=p) is None
        else:
            with pytest.raises(IllegalTransition):
                run(action, world, Petition.objects.get(pk=p.pk))
        p.refresh_from_db()
        assert (p.status, p.version) == before
        assert timeline.count() == before_events


def test_it_refuses_a_stale_version_and_changes_nothing(world):
    p = make_petition(world, Status.SUBMITTED)
    with pytest.raises(StaleCase):
        services.petition_accept(
            actor=world.user("staff"), petition=p, expected_version=p.version - 1 or 99
        )
    p.refresh_from_db()
    assert p.status == Status.SUBMITTED


def test_it_lets_only_the_first_of_two_concurrent_actions_win(world):
    p = make_petition(world, Status.SUBMITTED)
    shown = p.version
    services.petition_accept(actor=world.user("staff"), petition=p, expected_version=shown)
    with pytest.raises(StaleCase):
        services.petition_decline(
            actor=world.user("deputy"), petition=p, reason="x", expected_version=shown
        )
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED


@pytest.mark.parametrize(
    "role", ["far_staff", "other_staff", "clerk", "handler", "nobody", "other_deputy"]
)
def test_it_refuses_accept_by_someone_without_the_right(world, role):
    p = make_petition(world, Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.petition_accept(actor=world.user(role), petition=p)
    p.refresh_from_db()
    assert p.status == Status.SUBMITTED


def test_it_queues_the_department_notice_on_commit(world, django_capture_on_commit_callbacks):
    p = make_petition(world, Status.TRIAGED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.petition_assign(
            actor=world.user("staff"), petition=p, lead_department=world.department
        )
    assert callbacks, "delivery must be queued on commit"
    assert OutboxMessage.objects.filter(user=world.user("handler"), channel="in_app").exists()


def test_it_refuses_a_deadline_in_the_past(world):
    from django.core.exceptions import ValidationError

    p = make_petition(world, Status.TRIAGED)
    with pytest.raises(ValidationError):
        services.petition_assign(
            actor=world.user("staff"),
            petition=p,
            lead_department=world.department,
            deadline=timezone.localdate() - dt.timedelta(days=1),
        )
    p.refresh_from_db()
    assert p.status == Status.TRIAGED


def test_it_refuses_a_department_the_staff_cannot_assign_to(world):
    from django.core.exceptions import ValidationError

    p = make_petition(world, Status.TRIAGED)
    with pytest.raises(ValidationError):
        services.petition_assign(
            actor=world.user("staff"), petition=p, lead_department=world.other_department
        )


def test_it_reopens_after_an_unsatisfied_constituent_rating(world):
    p = make_petition(world, Status.FEEDBACK_GIVEN)
    Petition.objects.filter(pk=p.pk).update(escalation=2)
    p = services.petition_rate(
        actor=None, petition=p, rater="constituent", satisfaction="unsatisfied", comment="没解决"
    )
    assert p.status == Status.HANDLING
    assert p.reopen_count == 1 and p.escalation == 0
    assert p.deadline >= timezone.localdate()
    assert p.events.last().actor_label == "constituent"


def test_it_records_the_deputy_rating_without_moving_the_case(world):
    p = make_petition(world, Status.FEEDBACK_GIVEN)
    services.petition_rate(
        actor=world.user("deputy"), petition=p, rater="deputy", satisfaction="satisfied"
    )
    p.refresh_from_db()
    assert p.status == Status.FEEDBACK_GIVEN
    assert p.ratings.get().rater == "deputy"


def test_it_returns_a_case_clearing_the_lead_department(world):
    p = make_petition(world, Status.HANDLING)
    p = services.petition_return(actor=world.user("handler"), petition=p, reason="不属本单位")
    assert p.status == Status.TRIAGED and p.lead_department is None and p.deadline is None


def test_it_moves_the_deadline_when_an_extension_is_approved(world):
    p = make_petition(world, Status.HANDLING)
    new = p.deadline + dt.timedelta(days=20)
    services.extension_request(
        actor=world.user("handler"), petition=p, requested_deadline=new, reason="需协调"
    )
    services.extension_decide(actor=world.user("staff"), petition=p, approve=True)
    p.refresh_from_db()
    assert p.deadline == new
    kinds = list(p.events.values_list("kind", flat=True))
    assert "extension_requested" in kinds and "extension_decided" in kinds


def test_it_sends_a_case_settled_on_the_spot_back_to_triage_when_unsatisfied(world):
    staff = world.user("staff")
    p = make_petition(world, Status.TRIAGED, tier=Tier.COMMUNITY)
    p = services.petition_resolve_on_spot(actor=staff, petition=p, resolution="现场解决")
    p = services.petition_give_feedback(actor=staff, petition=p, method=FeedbackMethod.PHONE)
    p = services.petition_rate(
        actor=None, petition=p, rater="constituent", satisfaction="unsatisfied"
    )
    # No department ever had it, so nobody could "handle" it again: the station decides anew.
    assert p.status == Status.TRIAGED and p.reopen_count == 1
    assert p.deadline is None and p.lead_department_id is None
    assert OutboxMessage.objects.filter(dedupe_key__contains=":reopened:1:station").exists()
    p = services.petition_resolve_on_spot(actor=staff, petition=p, resolution="再次现场处理")
    assert p.status == Status.REPLIED
