"""Random actions by random roles never leave a case in an illegal state."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from petitions import services
from petitions.choices import UNDER_DEADLINE, FeedbackMethod, Status, Tier, Urgency
from petitions.loop import LOOP
from petitions.models import Petition
from petitions.services import PetitionError
from stations.models import Department
from tests import factories as f

from .factories import category, make_petition, rate_as_constituent

# "helper" handles the assisting department (协办) that "assign" may add next to the lead.
ROLES = ["staff", "far_staff", "deputy", "handler", "other_handler", "clerk", "admin", "helper"]
ACTIONS = [
    "accept", "decline", "merge", "triage", "resolve", "assign", "receive", "return", "reply",
    "opinion", "extension_request", "extension_decide", "feedback", "rate_ok", "rate_bad",
    "rate_deputy", "auto_close",
]  # fmt: skip


# Who normally holds the right for each action: half of the steps use them, so that random
# runs get past acceptance and reach assignment, opinions, replies, ratings and reopening.
OWNER = {
    "accept": "staff", "decline": "deputy", "merge": "staff", "triage": "staff",
    "resolve": "staff", "assign": "staff", "receive": "handler", "return": "handler",
    "reply": "handler", "opinion": "helper", "extension_request": "handler",
    "extension_decide": "staff", "feedback": "staff", "rate_ok": "staff", "rate_bad": "staff",
    "rate_deputy": "deputy", "auto_close": "admin",
}  # fmt: skip
# Declining and merging end the case; the owners' steps leave them to the random roles.
FORWARD = [a for a in ACTIONS if a not in ("decline", "merge")]
# Test action -> the registry row that says from which statuses it may start.
ROW_NAME = {"resolve": "resolve_on_spot", "rate_ok": "rate", "rate_bad": "record_rating"}


def _do(action, actor, p, world, tier, extra):
    s = services
    if action == "merge":
        s.petition_merge(actor=actor, petition=p, into=extra["original"])
    elif action == "opinion":
        s.reply_add_opinion(actor=actor, petition=p, body="协办意见")
    elif action == "accept":
        s.petition_accept(actor=actor, petition=p)
    elif action == "decline":
        s.petition_decline(actor=actor, petition=p, reason="不予受理")
    elif action == "triage":
        s.petition_triage(
            actor=actor, petition=p, category=category(), urgency=Urgency.NORMAL, tier=tier
        )
    elif action == "resolve":
        s.petition_resolve_on_spot(actor=actor, petition=p, resolution="现场解决")
    elif action == "assign":
        s.petition_assign(
            actor=actor,
            petition=p,
            lead_department=world.department,
            assisting_departments=[extra["helper_dept"]] if tier != Tier.COMMUNITY else [],
        )
    elif action == "receive":
        s.petition_receive(actor=actor, petition=p)
    elif action == "return":
        s.petition_return(actor=actor, petition=p, reason="错派")
    elif action == "reply":
        s.petition_reply(actor=actor, petition=p, body="已办理")
    elif action == "extension_request":
        base = p.deadline or timezone.localdate()
        s.extension_request(
            actor=actor,
            petition=p,
            requested_deadline=base + dt.timedelta(days=9),
            reason="需要时间",
        )
    elif action == "extension_decide":
        s.extension_decide(actor=actor, petition=p, approve=True)
    elif action == "feedback":
        s.petition_give_feedback(actor=actor, petition=p, method=FeedbackMethod.SMS)
    elif action == "rate_ok":
        # Online, with the SMS code: no account involved whoever "acts".
        rate_as_constituent(p, "satisfied")
    elif action == "rate_bad":
        s.petition_record_rating(
            actor=actor, petition=p, satisfaction="unsatisfied", method=FeedbackMethod.PHONE
        )
    elif action == "rate_deputy":
        s.petition_rate_deputy(actor=actor, petition=p, satisfaction="basic")
    elif action == "auto_close":
        s.petition_auto_close(petition=p)


@pytest.mark.django_db
def test_it_never_reaches_an_illegal_state(world):
    helper_dept = Department.objects.create(name="南湖区交通局", region=world.district_x)
    helper = f.UserFactory(username="helper")
    f.DepartmentHandlerFactory(user=helper, department=helper_dept)
    users = {**world.users, "helper": helper}
    original = make_petition(world, Status.ACCEPTED, title="原件")
    extra = {"helper_dept": helper_dept, "original": original}

    class Loop(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.p = make_petition(world, Status.SUBMITTED)

        @rule(
            action=st.sampled_from(ACTIONS),
            role=st.sampled_from(ROLES),
            tier=st.sampled_from(list(Tier.values)),
        )
        def act(self, action, role, tier):
            self._act(action, role, tier)

        @rule(pick=st.integers(0, 20), tier=st.sampled_from(list(Tier.values)))
        def advance(self, pick, tier):
            """An action possible from the current status, by the role that holds its right."""
            status = Petition.objects.values_list("status", flat=True).get(pk=self.p.pk)
            possible = [a for a in FORWARD if LOOP[ROW_NAME.get(a, a)].starts_from(status)]
            if possible:
                action = possible[pick % len(possible)]
                self._act(action, OWNER[action], tier)

        def _act(self, action, role, tier):
            before = Petition.objects.get(pk=self.p.pk)
            try:
                _do(action, users[role], before, world, tier, extra)
            except (PetitionError, PermissionDenied, ValidationError):
                after = Petition.objects.get(pk=self.p.pk)
                assert (after.status, after.version) == (before.status, before.version)

        @invariant()
        def consistent(self):
            p = Petition.objects.get(pk=self.p.pk)
            if p.status in UNDER_DEADLINE:
                assert p.deadline and p.lead_department_id
            if p.status == Status.CLOSED:
                assert p.closed_at
            if p.status == Status.DECLINED:
                assert p.decline_reason
            events = list(p.events.filter(kind="transition").order_by("pk"))
            assert events[0].from_status == ""
            for prev, nxt in zip(events, events[1:], strict=False):
                assert nxt.from_status == prev.to_status
            assert events[-1].to_status == p.status
            if p.status == Status.MERGED:
                assert p.merged_into_id == original.pk
            # The original's code is another constituent's credential: never public here.
            for event in p.events.filter(is_public=True):
                assert original.tracking_code not in event.public_note
                assert original.display_code not in event.public_note
            # No step skips a state: each move is one the registry declares.
            for event in events[1:]:
                assert any(
                    row.starts_from(event.from_status) and event.to_status in row.targets
                    for row in LOOP
                ), (event.from_status, event.to_status)
            # Assisting opinions: one internal event each, only from an assisting department.
            opinions = p.replies.filter(is_lead=False)
            assert opinions.count() == p.events.filter(kind="opinion").count()
            assert set(opinions.values_list("department_id", flat=True)) <= {helper_dept.pk}
            # Merging into the original never moves it.
            assert Petition.objects.get(pk=original.pk).status == Status.ACCEPTED

    Loop.TestCase.settings = settings(
        max_examples=15, stateful_step_count=25, deadline=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    Loop.TestCase().runTest()
