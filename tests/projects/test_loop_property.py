"""Random actions by random roles: no action skips a state, and the timeline tells the path.

Property: every move a candidate makes is declared by the registry row of the action that made
it (its sources and targets), and goes to the next state of ``loop.PATH`` or along one of the
declared side exits (``loop.SIDE``). Opening and closing the vote move candidates through the
system rows ``ballot``, ``choose`` and ``not_choose``.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from core.errors import DomainError
from projects.choices import Rating, Status
from projects.loop import PATH, REGISTRY, SIDE
from projects.models import Candidate

from .factories import make_cycle, propose
from .support import do

S = Status
ROLES = ["admin", "clerk", "city_clerk", "other_clerk", "deputy", "other_deputy", "handler",
         "other_handler", "staff", "nobody"]  # fmt: skip
ACTIONS = [a.name for a in REGISTRY if a.may is not None and not a.public]
OWNER = {"screen": "clerk", "reject": "clerk", "start": "clerk", "milestone": "handler",
         "milestone_done": "handler", "report": "handler", "inspect": "deputy",
         "complete": "handler", "rate": "deputy", "survey": "clerk", "carry_over": "clerk",
         "open_vote": "clerk", "vote": "deputy", "close_vote": "clerk"}  # fmt: skip
CYCLE_STEPS = ["open_vote", "vote", "close_vote"]


def _legal(frm: str, to: str) -> bool:
    if (frm, to) in SIDE:
        return True
    return frm in PATH and to in PATH and PATH.index(to) == PATH.index(frm) + 1


@pytest.mark.django_db
def test_no_action_skips_a_state(world):
    reached: set[str] = set()

    class Loop(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.cycle = make_cycle(world)
            self.c = propose(world, self.cycle)

        @rule(action=st.sampled_from(ACTIONS + CYCLE_STEPS), role=st.sampled_from(ROLES),
              rating=st.sampled_from(Rating.values))  # fmt: skip
        def act(self, action, role, rating):
            self._act(action, role, rating)

        @rule(pick=st.integers(0, 20), rating=st.sampled_from(Rating.values))
        def advance(self, pick, rating):
            """An action possible from the current status, by the role holding its right."""
            status = Candidate.objects.values_list("status", flat=True).get(pk=self.c.pk)
            possible = [a for a in ACTIONS if REGISTRY[a].starts_from(status)]
            if status == S.RESERVE:
                possible = ["open_vote"]
            elif status == S.ON_BALLOT:
                possible = ["vote", "close_vote"]
            if possible:
                name = possible[pick % len(possible)]
                self._act(name, OWNER[name], rating)

        def _act(self, action, role, rating):
            before = Candidate.objects.get(pk=self.c.pk)
            try:
                do(action, world.user(role), before, world, rating=rating)
            except (DomainError, PermissionDenied, ValidationError):
                after = Candidate.objects.get(pk=self.c.pk)
                assert (after.status, after.version) == (before.status, before.version)
                return
            reached.add(Candidate.objects.get(pk=self.c.pk).status)

        @invariant()
        def no_skipped_state(self):
            c = Candidate.objects.get(pk=self.c.pk)
            moves = [e for e in c.events.order_by("pk") if e.kind == "transition"]
            assert moves[0].from_status == "" and moves[0].to_status == S.PROPOSED
            for prev, nxt in zip(moves, moves[1:], strict=False):
                assert nxt.from_status == prev.to_status
                row = REGISTRY[nxt.action]
                assert nxt.from_status in row.sources, nxt.action
                assert nxt.to_status in row.targets, nxt.action
                assert _legal(nxt.from_status, nxt.to_status), (nxt.from_status, nxt.to_status)
            assert moves[-1].to_status == c.status
            if c.status in (S.IN_PROGRESS, S.COMPLETED):
                assert c.lead_department_id

    Loop.TestCase.settings = settings(
        max_examples=25, stateful_step_count=20, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    Loop.TestCase().runTest()
    assert reached >= set(Status) - {S.PROPOSED}, sorted(set(Status) - reached)


def test_the_path_and_side_exits_cover_every_state():
    assert set(PATH) | {to for _, to in SIDE} == set(Status)
    for action in REGISTRY:
        for source in action.sources:
            for target in action.targets:
                assert target == source or _legal(source, target), (action.name, source, target)
