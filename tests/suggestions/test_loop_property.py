"""Random actions by random roles: no action skips a state, and the timeline tells the path.

Property: every move a suggestion makes is declared by the registry row of the action that
made it, and forward moves go to the next state of the path — for a class-B reply the path
runs through "following" (the plan is followed until delivered); A and C close after the
evaluation. The only way back is "evaluate: unsatisfied" (replied → handling).
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from core.errors import DomainError
from suggestions.choices import UNDER_DEADLINE, Classification, Evaluation, Level, Status
from suggestions.loop import PATH, REGISTRY
from suggestions.models import Suggestion

from .factories import draft
from .support import do

S = Status
ROLES = ["admin", "clerk", "city_clerk", "other_clerk", "deputy", "other_deputy", "handler",
         "other_handler", "staff", "nobody"]  # fmt: skip
ACTIONS = [a.name for a in REGISTRY if a.may is not None]
OWNER = {"submit": "deputy", "cosign": "other_deputy", "edit": "deputy", "register": "clerk",
         "decline": "clerk", "assign": "clerk", "reply": "handler", "evaluate": "deputy",
         "follow_up": "handler", "fulfil": "handler"}  # fmt: skip
BACK = {(S.REPLIED, S.HANDLING)}


def _next(state: str, classification: str) -> str:
    path = [p for p in PATH if p != S.FOLLOWING or classification == Classification.B]
    return path[path.index(state) + 1]


@pytest.mark.django_db
def test_no_action_skips_a_state(world):
    reached: set[str] = set()

    class Loop(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.s = draft(world, level=Level.CITY, cosigners=[world.deputy_peggy])
            self.moves: list[tuple[str, str, str, str]] = []  # (action, from, to, class)

        @rule(
            action=st.sampled_from(ACTIONS),
            role=st.sampled_from(ROLES),
            cls=st.sampled_from(Classification.values),
            ev=st.sampled_from(Evaluation.values),
        )
        def act(self, action, role, cls, ev):
            self._act(action, role, cls, ev)

        @rule(
            pick=st.integers(0, 20),
            cls=st.sampled_from(Classification.values),
            ev=st.sampled_from(Evaluation.values),
        )
        def advance(self, pick, cls, ev):
            """An action possible from the current status, by the role holding its right."""
            status = Suggestion.objects.values_list("status", flat=True).get(pk=self.s.pk)
            possible = [a for a in ACTIONS if REGISTRY[a].starts_from(status)]
            if possible:
                name = possible[pick % len(possible)]
                role = "city_clerk" if name in ("register", "decline", "assign") else OWNER[name]
                self._act(name, role, cls, ev)

        def _act(self, action, role, cls, ev):
            before = Suggestion.objects.get(pk=self.s.pk)
            try:
                do(action, world.user(role), before, world, classification=cls, evaluation=ev)
            except (DomainError, PermissionDenied, ValidationError):
                after = Suggestion.objects.get(pk=self.s.pk)
                assert (after.status, after.version) == (before.status, before.version)
                return
            after = Suggestion.objects.get(pk=self.s.pk)
            reached.add(after.status)
            self.moves.append((action, before.status, after.status, after.classification
                               or before.classification))  # fmt: skip

        @invariant()
        def no_skipped_state(self):
            s = Suggestion.objects.get(pk=self.s.pk)
            for action, frm, to, cls in self.moves:
                row = REGISTRY[action]
                assert frm in row.sources
                assert to in (row.targets or {frm}) or (row.target is None and to == frm)
                if to != frm and (frm, to) not in BACK and to != S.DECLINED:
                    assert to == _next(frm, cls), (action, frm, to, cls)
            # The timeline tells the same path, without a hole.
            events = list(s.events.order_by("pk"))
            assert events[0].from_status == "" and events[0].to_status == S.DRAFT
            for prev, nxt in zip(events, events[1:], strict=False):
                assert nxt.from_status == prev.to_status
            assert events[-1].to_status == s.status
            if s.status in UNDER_DEADLINE:
                assert s.deadline and s.lead_department_id
            if s.status not in (S.DRAFT, S.SUBMITTED, S.DECLINED):
                assert s.number is not None
            if s.status == S.FOLLOWING:
                assert s.classification == Classification.B and s.follow_up_date

    Loop.TestCase.settings = settings(
        max_examples=30, stateful_step_count=25, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    Loop.TestCase().runTest()
    # The runs went deep enough to mean something: every state was reached at least once, but
    # "following" (a class-B reply the deputy accepted), which needs a long exact sequence; it
    # has its own walk-through tests in test_loop.py. derandomize keeps the run reproducible.
    assert reached >= set(Status) - {S.DRAFT, S.FOLLOWING}, sorted(set(Status) - reached)
