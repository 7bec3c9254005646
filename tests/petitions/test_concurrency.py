"""Two staff acting on the same case at the same moment: one wins, the other is told (PostgreSQL).

Each thread has its own database connection; the row lock taken by ``select_for_update`` makes
the second action wait for the first to commit, then see the case has moved on.
"""

from __future__ import annotations

import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections

from petitions import services
from petitions.choices import EventKind, Status
from petitions.models import Petition
from petitions.services import IllegalTransition, StaleCase
from tests.conftest import skip_or_fail
from tests.world import build_world

from .factories import make_petition

pytestmark = [
    pytest.mark.services,
    pytest.mark.xdist_group("services"),
    pytest.mark.django_db(transaction=True),
]


def _race(actions) -> list:
    """Run the callables at once, each on its own connection; their results or exceptions."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    slow_move = services._move

    def held_move(*args, **kwargs):
        # Hold the row lock a moment so the other thread really waits on it.
        time.sleep(0.3)
        return slow_move(*args, **kwargs)

    with mock.patch.object(services, "_move", held_move):
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    return results


@pytest.fixture
def world():
    if connection.vendor != "postgresql":
        skip_or_fail("row locks need PostgreSQL (set DATABASE_URL)")
    return build_world()


@pytest.mark.parametrize(
    ("second", "with_version", "loser_error"),
    [
        ("accept", False, IllegalTransition),  # the same action twice: not possible any more
        ("decline", True, StaleCase),  # a different action on the version both saw
    ],
)
def test_it_lets_one_of_two_simultaneous_actions_win(world, second, with_version, loser_error):
    p = make_petition(world, Status.SUBMITTED)
    staff, deputy = world.user("staff"), world.user("deputy")
    seen = {"expected_version": p.version} if with_version else {}
    actions = [
        lambda: services.petition_accept(actor=staff, petition=p.pk, **seen),
        (
            lambda: (
                services.petition_accept(actor=deputy, petition=p.pk, **seen)
                if second == "accept"
                else services.petition_decline(actor=deputy, petition=p.pk, reason="重复", **seen)
            )
        ),
    ]
    results = _race(actions)

    winners = [r for r in results if isinstance(r, Petition)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], loser_error)
    p.refresh_from_db()
    assert p.status == winners[0].status and p.version == 2
    moves = p.events.filter(kind=EventKind.TRANSITION).exclude(from_status="")
    assert moves.count() == 1
    assert moves.get().to_status == p.status
