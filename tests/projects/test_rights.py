"""Every action of the registry × every role: the right holders succeed and leave a timeline
line; everyone else is refused and nothing changes."""

import pytest
from django.core.exceptions import PermissionDenied

from projects.choices import Status
from projects.loop import CYCLE, REGISTRY
from projects.models import Candidate

from ..world import ROLES
from .factories import cycle_in, make_candidate
from .support import do

S = Status
CLERKS = {"admin", "clerk", "city_clerk"}
# (action, state it is tried from, roles that may)
CASES = [
    ("screen", S.PROPOSED, CLERKS),
    ("reject", S.PROPOSED, CLERKS),
    ("start", S.CHOSEN, CLERKS),
    ("milestone", S.IN_PROGRESS, CLERKS | {"handler"}),
    ("milestone_done", S.IN_PROGRESS, CLERKS | {"handler"}),
    ("report", S.IN_PROGRESS, {"admin", "handler"}),
    ("inspect", S.IN_PROGRESS, {"deputy"}),
    ("complete", S.IN_PROGRESS, CLERKS | {"handler"}),
    ("rate", S.COMPLETED, {"deputy"}),
    ("survey", S.COMPLETED, CLERKS),
    ("carry_over", S.IN_PROGRESS, CLERKS),
]


def test_every_offered_action_has_a_case():
    offered = {a.name for a in REGISTRY if a.may is not None and not a.public}
    assert offered == {name for name, _, _ in CASES}


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "state", "allowed"), CASES, ids=[c[0] for c in CASES])
def test_each_action_for_each_role(world, action, state, allowed):
    for role in ROLES:
        c = make_candidate(world, state)
        if action == "milestone_done":
            do("milestone", world.user("clerk"), c, world)
            c = Candidate.objects.get(pk=c.pk)
        user = world.user(role)
        assert REGISTRY[action].allowed_for(user, c) == (role in allowed), role
        events = c.events.count()
        if role in allowed:
            do(action, user, c, world)
            assert Candidate.objects.get(pk=c.pk).events.count() > events, role
        else:
            with pytest.raises(PermissionDenied):
                do(action, user, c, world)
            after = Candidate.objects.get(pk=c.pk)
            assert (after.status, after.version, after.events.count()) == (
                c.status, c.version, events,
            ), role  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("action", [a.name for a in CYCLE])
def test_the_cycle_actions_are_the_covering_clerks(world, action):
    stage = CYCLE[action].sources
    (start,) = stage
    for role in ROLES:
        cycle = cycle_in(world, start)
        assert CYCLE[action].allowed_for(world.user(role), cycle) == (role in CLERKS), role


@pytest.mark.django_db
def test_an_action_from_a_wrong_state_is_refused(world):
    from core.errors import IllegalTransition

    c = make_candidate(world, S.PROPOSED)
    with pytest.raises(IllegalTransition):
        do("complete", world.user("admin"), c, world)
    assert Candidate.objects.get(pk=c.pk).status == S.PROPOSED
