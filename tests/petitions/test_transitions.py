"""The loop registry: every allowed and every forbidden move and right, events, on-commit work."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from core.models import OutboxMessage
from petitions import services
from petitions.choices import FeedbackMethod, Status, Tier, Urgency
from petitions.loop import LOOP
from petitions.models import Petition, PetitionEvent, Supervision
from petitions.services import IllegalTransition, StaleCase
from tests import factories as f
from tests.world import ROLES

from .factories import category, make_petition, rate_as_constituent

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


# Valid input for each action's service beyond (actor, petition); the rows' sources, targets
# and rights come from the registry itself.
SAMPLE_INPUT = {
    "decline": lambda w, p: {"reason": "重复"},
    "merge": lambda w, p: {"into": make_petition(w, Status.ACCEPTED, title="原件")},
    "triage": lambda w, p: {
        "category": category(),
        "urgency": Urgency.NORMAL,
        "tier": Tier.COMMUNITY,
    },
    "resolve_on_spot": lambda w, p: {"resolution": "现场解决"},
    "assign": lambda w, p: {"lead_department": w.department},
    "return": lambda w, p: {"reason": "不属本单位职责"},
    "extension_request": lambda w, p: {
        "requested_deadline": (p.deadline or timezone.localdate()) + dt.timedelta(days=30),
        "reason": "需要协调",
    },
    "extension_decide": lambda w, p: {"approve": True},
    "reply": lambda w, p: {"body": "已答复", "outcome": "solved"},
    "opinion": lambda w, p: {"body": "协办意见"},
    "feedback": lambda w, p: {"method": FeedbackMethod.PHONE},
    "record_rating": lambda w, p: {"satisfaction": "satisfied", "method": FeedbackMethod.PHONE},
    "rate_deputy": lambda w, p: {"satisfaction": "basic"},
    "rate_by_deputies": lambda w, p: {"satisfaction": "unsatisfied"},
    "route": lambda w, p: {"category": category()},
}
# The user who holds each right in the test world (tests/world.py).
HOLDER = {
    "is_staff_or_deputy": "staff",
    "is_station_staff": "staff",
    "is_lead_handler": "handler",
    "is_assisting_handler": "helper",
    "is_petition_deputy": "deputy",
    "may_route_directly": "deputy",
}


def _helper_department(world, p):
    """A second handler post for "helper": the assisting department (协办) of the case."""
    from stations.models import Department

    dept, _ = Department.objects.get_or_create(name="协办局", region=world.district_x)
    helper = User.objects.filter(username="helper").first() or f.UserFactory(username="helper")
    helper.handler_posts.get_or_create(department=dept)
    p.assisting_departments.add(dept)
    return helper


def prepare(world, row, p: Petition) -> dict:
    """Make the case ready for ``row`` beyond its status; the users by role name."""
    users = {name: world.user(name) for name in ("staff", "handler", "deputy")}
    users["helper"] = _helper_department(world, p)
    if row.name == "resolve_on_spot":
        Petition.objects.filter(pk=p.pk).update(tier=Tier.COMMUNITY)
    if row.name == "route":
        # The deputy holds the direct routing right and a rule covers the category here.
        from petitions.models import RoutingRight, RoutingRule

        RoutingRight.objects.get_or_create(deputy=world.deputy_dave)
        RoutingRule.objects.get_or_create(
            region=world.district_x,
            category=category(),
            keyword="",
            defaults={"lead_department": world.department},
        )
    if row.name == "extension_decide" and row.starts_from(p.status):
        services.extension_request(
            actor=users["handler"], petition=p, **SAMPLE_INPUT["extension_request"](world, p)
        )
    return users


def run(world, row, p: Petition, actor):
    """Perform the action through the service its row names."""
    if row.name == "rate":
        return rate_as_constituent(p, "satisfied")
    service = import_string(row.service)
    kwargs = SAMPLE_INPUT.get(row.name, lambda w, p: {})(world, p)
    if row.name == "auto_close":
        return service(petition=p)
    return service(actor=actor, petition=p, **kwargs)


def _actor(users, row):
    return users[HOLDER[row.may.__name__]] if row.may is not None else None


User = get_user_model()
CASES = [(row.name, s) for row in LOOP for s in REACHABLE]


def test_every_action_of_the_registry_has_a_service_and_the_staff_ones_a_form_and_url():
    for row in LOOP:
        assert callable(import_string(row.service)), row.name
        if row.may is not None:
            assert import_string(row.form) and reverse(row.url_name, args=[1]), row.name
    assert set(SAMPLE_INPUT) <= set(LOOP.names())


@pytest.mark.parametrize(("action", "status"), CASES, ids=[f"{a}-from-{s}" for a, s in CASES])
def test_it_allows_exactly_the_moves_in_the_registry(world, action, status):
    row = LOOP[action]
    p = make_petition(world, status)
    users = prepare(world, row, p)
    p.refresh_from_db()
    # A merge also writes a note on the original case, not on this one.
    timeline = PetitionEvent.objects.filter(petition=p)
    before_events = timeline.count()
    before = (p.status, p.version)
    if row.starts_from(status):
        run(world, row, Petition.objects.get(pk=p.pk), _actor(users, row))
        p.refresh_from_db()
        assert p.status in (row.targets or {status}), (p.status, row.targets)
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
                run(world, row, Petition.objects.get(pk=p.pk), _actor(users, row))
        p.refresh_from_db()
        assert (p.status, p.version) == before
        assert timeline.count() == before_events


STAFF_ROWS = [row.name for row in LOOP if row.may is not None]


@pytest.mark.parametrize("action", STAFF_ROWS)
def test_each_role_may_act_exactly_where_the_registry_says_and_is_offered_exactly_that(
    world, action
):
    """For every state an action starts from and every role: the service lets the role act iff
    the row's right holds, and the case page offers the action to exactly those roles."""
    row = LOOP[action]
    for status in sorted(row.sources):
        p = make_petition(world, status)
        prepare(world, row, p)
        Petition.objects.filter(pk=p.pk).update(tier=Tier.COMMUNITY)
        allowed_roles = []
        for role in ROLES:
            p = Petition.objects.get(pk=p.pk)
            user = world.user(role)
            user.__dict__.pop("_roles_cache", None)
            allowed = row.allowed_for(user, p)
            offered = action in [a.name for a in LOOP.available(user, p)]
            assert offered == (allowed and (row.offer_if is None or row.offer_if(p))), role
            client = Client()
            client.force_login(user)
            page = client.get(reverse("petitions:detail", args=[p.pk]))
            if page.status_code == 200:
                shown = reverse(row.url_name, args=[p.pk]) in page.content.decode()
                assert shown == offered, (role, status)
            if allowed:
                allowed_roles.append(user)
                continue
            before = p.version
            with pytest.raises((PermissionDenied, IllegalTransition)):
                run(world, row, p, user)
            assert Petition.objects.get(pk=p.pk).version == before, role
        for user in allowed_roles[:1]:
            run(world, row, Petition.objects.get(pk=p.pk), user)


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
    assert Supervision.objects.filter(petition=p).update(level=2) == 1
    p = rate_as_constituent(p, "unsatisfied", comment="没解决")
    assert p.status == Status.HANDLING
    assert p.reopen_count == 1 and p.escalation == 0
    assert p.deadline >= timezone.localdate()
    assert p.events.last().actor_label == "constituent"


def test_it_records_the_deputy_rating_without_moving_the_case(world):
    p = make_petition(world, Status.FEEDBACK_GIVEN)
    services.petition_rate_deputy(actor=world.user("deputy"), petition=p, satisfaction="satisfied")
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
    p = rate_as_constituent(p, "unsatisfied")
    # No department ever had it, so nobody could "handle" it again: the station decides anew.
    assert p.status == Status.TRIAGED and p.reopen_count == 1
    assert p.deadline is None and p.lead_department_id is None
    assert OutboxMessage.objects.filter(dedupe_key__contains=":reopened:1:station").exists()
    p = services.petition_resolve_on_spot(actor=staff, petition=p, resolution="再次现场处理")
    assert p.status == Status.REPLIED
