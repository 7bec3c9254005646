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
from petitions.models import Petition
from petitions.services import PetitionError

from .factories import category, make_petition

ROLES = ["staff", "far_staff", "deputy", "handler", "other_handler", "clerk", "admin"]
ACTIONS = [
    "accept", "decline", "triage", "resolve", "assign", "receive", "return", "reply",
    "extension_request", "extension_decide", "feedback", "rate_ok", "rate_bad", "rate_deputy",
    "auto_close",
]  # fmt: skip


def _do(action, actor, p, world, tier):
    s = services
    if action == "accept":
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
        s.petition_assign(actor=actor, petition=p, lead_department=world.department)
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
    elif action in ("rate_ok", "rate_bad"):
        sat = "satisfied" if action == "rate_ok" else "unsatisfied"
        s.petition_rate(actor=None, petition=p, rater="constituent", satisfaction=sat)
    elif action == "rate_deputy":
        s.petition_rate(actor=actor, petition=p, rater="deputy", satisfaction="basic")
    elif action == "auto_close":
        s.petition_auto_close(petition=p)


@pytest.mark.django_db
def test_it_never_reaches_an_illegal_state(world):
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
            before = Petition.objects.get(pk=self.p.pk)
            try:
                _do(action, world.user(role), before, world, tier)
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

    Loop.TestCase.settings = settings(
        max_examples=15, stateful_step_count=25, deadline=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    Loop.TestCase().runTest()
