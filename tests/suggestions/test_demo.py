"""The demo loader leaves a suggestion in every state, and running it twice adds nothing."""

import pytest

from suggestions import demo
from suggestions.choices import Status
from suggestions.models import Suggestion
from tests.petitions.factories import category

pytestmark = pytest.mark.django_db


def test_it_loads_every_state_once(world):
    category()  # the demo logins of the world: deputy 戴伟, clerk of 南湖区, handler
    made = demo.load()
    assert {s.status for s in Suggestion.objects.all()} == set(Status)
    assert len(made) == len(demo.DEMO)
    assert Suggestion.objects.filter(status=Status.HANDLING, escalation__gt=0).exists()
    assert demo.load() == []
    assert Suggestion.objects.count() == len(demo.DEMO)
