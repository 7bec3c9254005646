"""Every action of the registry, for every role and every status: allowed or refused.

The expectations come from the registry rows themselves (sources and ``may``), and a second,
hand-written table of who holds each right, so a row with a wrong right is caught too.
"""

import pytest
from django.core.exceptions import PermissionDenied

from core.errors import IllegalTransition
from suggestions.choices import Classification, Level, Status
from suggestions.loop import REGISTRY
from suggestions.models import Suggestion, SuggestionEvent
from tests.world import ROLES

from .factories import draft, make_suggestion
from .support import do

pytestmark = pytest.mark.django_db

CLERKS = {"admin", "clerk", "city_clerk"}
# Written out by hand from the rules (not read from the registry).
HOLDERS = {
    "submit": {"deputy"},
    "edit": {"deputy"},
    "cosign": {"other_deputy"},  # invited to the city-level draft below
    "register": CLERKS,
    "decline": CLERKS,
    "assign": CLERKS,
    "reply": {"admin", "handler"},
    "evaluate": {"deputy"},
    "follow_up": {"admin", "handler"},
    "fulfil": CLERKS | {"handler"},
}
OFFERED = [a for a in REGISTRY if a.may is not None]


def _at(world, status):
    if status == Status.DRAFT:
        return draft(world, level=Level.CITY, cosigners=[world.deputy_peggy])
    return make_suggestion(world, status, classification=Classification.B)


def test_every_offered_action_has_a_hand_written_holder_set():
    assert {a.name for a in OFFERED} == set(HOLDERS)


@pytest.mark.parametrize("action", OFFERED, ids=lambda a: a.name)
def test_it_allows_exactly_the_holders_from_each_source(world, action):
    for status in action.sources:
        s = _at(world, status)
        for role in ROLES:
            fresh = Suggestion.objects.get(pk=s.pk)
            assert action.allowed_for(world.user(role), fresh) == (role in HOLDERS[action.name]), (
                action.name,
                role,
            )
            if role in HOLDERS[action.name]:
                continue
            with pytest.raises(PermissionDenied):
                do(action.name, world.user(role), fresh, world, classification=Classification.B)
        holder = sorted(HOLDERS[action.name])[0]
        before = SuggestionEvent.objects.filter(suggestion=s).count()
        do(action.name, world.user(holder), Suggestion.objects.get(pk=s.pk), world,
           classification=Classification.B)  # fmt: skip
        s.refresh_from_db()
        assert s.status in action.targets | ({status} if action.target is None else set())
        event = SuggestionEvent.objects.filter(suggestion=s).latest("pk")
        assert SuggestionEvent.objects.filter(suggestion=s).count() == before + 1
        assert (event.action, event.from_status, event.to_status) == (
            action.name,
            status,
            s.status,
        )
        assert event.actor == world.user(holder)


@pytest.mark.parametrize("action", OFFERED, ids=lambda a: a.name)
def test_it_refuses_every_action_outside_its_sources(world, action):
    for status in set(Status) - set(action.sources):
        s = _at(world, status) if status != Status.DECLINED else make_suggestion(world, status)
        holder = sorted(HOLDERS[action.name])[0]
        version = s.version
        with pytest.raises((IllegalTransition, PermissionDenied)):
            do(action.name, world.user(holder), s, world)
        s.refresh_from_db()
        assert (s.status, s.version) == (status, version)
        assert action.name not in [a.name for a in REGISTRY.available(world.user(holder), s)]
