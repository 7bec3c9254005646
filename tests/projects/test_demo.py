"""The demo loader leaves a cycle in each state (with ballots and an overdue milestone), and
running it twice adds nothing."""

import pytest

from projects import demo
from projects.choices import Stage, Status
from projects.models import Ballot, Candidate, Cycle, Milestone

from ..factories import ClerkScopeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_loads_a_cycle_in_each_state_once(world):
    ClerkScopeFactory(user=UserFactory(username="clerk_city"), region=world.city)
    made = demo.load()
    assert {c.stage for c in Cycle.objects.all()} == set(Stage)
    assert len(made) == 4
    statuses = set(Candidate.objects.values_list("status", flat=True))
    assert {Status.COMPLETED, Status.IN_PROGRESS, Status.ON_BALLOT, Status.PROPOSED,
            Status.CARRIED_OVER, Status.REJECTED} <= statuses  # fmt: skip
    assert Ballot.objects.filter(cycle__stage=Stage.IMPLEMENTING).exists()
    assert Milestone.objects.filter(escalation__gt=0, done_on__isnull=True).count() == 1
    assert demo.load() == []
    assert Cycle.objects.count() == 4
