"""The vote: a hand-counted ballot set with abstentions, a duplicate attempt and a changed
ballot; the threshold is more than half of ALL deputies of the congress, not of the voters."""

import pytest
from django.db import IntegrityError, transaction

from projects import services
from projects.choices import BallotAction, Choice, Status, VoteRule
from projects.models import Ballot, BallotAudit, Candidate
from projects.selectors import tally

from .factories import close_vote, make_cycle, more_deputies, open_vote, propose, screen

F, A, X = Choice.FOR, Choice.AGAINST, Choice.ABSTAIN
pytestmark = pytest.mark.django_db


def _ballot_of(world, n_more=6, rule=VoteRule.APPROVE_EACH, n=None):
    """District X's congress: 戴伟 + ``n_more`` deputies; three candidates on the ballot."""
    others = more_deputies(world, n_more)
    cycle = make_cycle(world, rule=rule, n=n)
    cs = [screen(world, propose(world, cycle, title=t)) for t in ("电梯", "河道", "养老")]
    cycle = open_vote(world, cycle)
    return cycle, cs, [world.user("deputy"), *[d.user for d in others]]


def test_it_counts_a_hand_counted_ballot_set(world):
    cycle, (lift, river, care), voters = _ballot_of(world)  # 7 deputies: 4 needed
    assert cycle.electorate == 7
    marks = [
        # lift     river   care
        (F, F, A),  # 戴伟 — changes below
        (F, A, X),
        (F, X, X),
        (X, F, A),
        (A, F, F),
        (F, F, X),
        # the seventh deputy does not vote
    ]
    for user, (a, b, c) in zip(voters, marks, strict=False):
        services.ballot_cast(actor=user, cycle=cycle, marks={lift.pk: a, river.pk: b, care.pk: c})
    # 戴伟 changes his ballot before the close: lift abstain, river for, care for.
    services.ballot_cast(actor=voters[0], cycle=cycle, marks={lift.pk: X, river.pk: F, care.pk: F})
    t = tally(cycle)
    got = {r.candidate.title: (r.votes_for, r.against, r.abstain, r.chosen) for r in t.rows}
    # Hand count, rows numbered 1–6 from the top, 戴伟's (row 1) as changed to (X, F, F):
    # lift:  for 3 (rows 2, 3, 6), against 1 (row 5), abstain 2 (rows 1, 4) → 3 < 4: not chosen
    # river: for 4 (rows 1, 4, 5, 6), against 1 (row 2), abstain 1 (row 3) → chosen
    # care:  for 2 (rows 1, 5), against 1 (row 4), abstain 3 (rows 2, 3, 6) → not chosen
    assert got == {
        "电梯": (3, 1, 2, False),
        "河道": (4, 1, 1, True),
        "养老": (2, 1, 3, False),
    }
    assert (t.electorate, t.threshold, t.ballots) == (7, 4, 6)
    # One ballot per deputy, the change audited as a change.
    assert Ballot.objects.filter(cycle=cycle).count() == 6
    actions = list(
        BallotAudit.objects.filter(cycle=cycle, deputy=world.deputy_dave)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [BallotAction.CAST, BallotAction.CHANGED]
    assert BallotAudit.objects.filter(cycle=cycle).count() == 7

    close_vote(world, cycle)
    statuses = dict(Candidate.objects.filter(cycle=cycle).values_list("title", "status"))
    assert statuses == {"电梯": Status.NOT_CHOSEN, "河道": Status.CHOSEN, "养老": Status.NOT_CHOSEN}
    river.refresh_from_db()
    assert (river.votes_for, river.votes_against, river.votes_abstain) == (4, 1, 1)


def test_a_duplicate_ballot_is_refused_by_the_database(world):
    cycle, cs, voters = _ballot_of(world, n_more=0)
    ballot = services.ballot_cast(actor=voters[0], cycle=cycle, marks={c.pk: F for c in cs})
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(cycle=cycle, deputy=ballot.deputy)
    # Casting again is a change of the same ballot, never a second one.
    services.ballot_cast(actor=voters[0], cycle=cycle, marks={c.pk: A for c in cs})
    assert Ballot.objects.filter(cycle=cycle).count() == 1
    assert tally(cycle).rows[0].against == 1
    assert tally(cycle).rows[0].votes_for == 0


def test_the_threshold_is_half_of_all_deputies_not_of_the_voters(world):
    cycle, (lift, river, care), voters = _ballot_of(world, n_more=5)  # 6 deputies: 4 needed
    # Only three vote, all for the lift: 3 of 3 voters, but not more than half of 6.
    for user in voters[:3]:
        services.ballot_cast(actor=user, cycle=cycle, marks={lift.pk: F, river.pk: X, care.pk: A})
    t = tally(cycle)
    assert t.threshold == 4
    assert [r.chosen for r in t.rows] == [False, False, False]
    services.ballot_cast(actor=voters[3], cycle=cycle, marks={lift.pk: F, river.pk: F, care.pk: F})
    assert [r.chosen for r in tally(cycle).rows] == [True, False, False]


def test_exactly_half_is_not_enough(world):
    cycle, (lift, river, care), voters = _ballot_of(world, n_more=3)  # 4 deputies: 3 needed
    for user in voters[:2]:
        services.ballot_cast(actor=user, cycle=cycle, marks={lift.pk: F, river.pk: F, care.pk: F})
    assert tally(cycle).threshold == 3
    assert not any(r.chosen for r in tally(cycle).rows)


def test_choose_up_to_n(world):
    cycle, (lift, river, care), voters = _ballot_of(world, n_more=4, rule=VoteRule.CHOOSE_N, n=2)
    picks = [(lift, river), (lift, river), (lift, care), (lift, river), (river,)]
    for user, chosen in zip(voters, picks, strict=True):
        services.ballot_cast(actor=user, cycle=cycle, marks={c.pk: F for c in chosen})
    got = {r.candidate.title: (r.votes_for, r.chosen) for r in tally(cycle).rows}
    # lift 4, river 4, care 1; 5 deputies → 3 needed; the two with most votes are chosen.
    assert got == {"电梯": (4, True), "河道": (4, True), "养老": (1, False)}
    with pytest.raises(Exception, match="at most 2"):
        services.ballot_cast(
            actor=voters[0], cycle=cycle, marks={c.pk: F for c in (lift, river, care)}
        )


def test_a_ballot_after_the_close_is_refused(world):
    cycle, cs, voters = _ballot_of(world, n_more=0)
    close_vote(world, cycle)
    with pytest.raises(services.VoteClosed):
        services.ballot_cast(actor=voters[0], cycle=cycle, marks={c.pk: F for c in cs})


def test_an_incomplete_ballot_is_refused(world):
    cycle, (lift, river, care), voters = _ballot_of(world, n_more=0)
    with pytest.raises(Exception, match="Mark every project"):
        services.ballot_cast(actor=voters[0], cycle=cycle, marks={lift.pk: F})
    assert not Ballot.objects.exists()


def test_a_deputy_of_another_congress_cannot_vote(world):
    cycle, cs, voters = _ballot_of(world, n_more=0)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ballot_cast(
            actor=world.user("other_deputy"), cycle=cycle, marks={c.pk: F for c in cs}
        )


def test_a_paper_ballot_is_recorded_by_the_vote_administrator_only(world):
    from django.core.exceptions import PermissionDenied

    cycle, cs, voters = _ballot_of(world, n_more=1)
    marks = {c.pk: X for c in cs}
    with pytest.raises(PermissionDenied):
        services.ballot_cast(actor=world.user("city_clerk"), cycle=cycle, marks=marks,
                             deputy=world.deputy_dave, on_paper=True)  # fmt: skip
    b = services.ballot_cast(
        actor=world.user("clerk"), cycle=cycle, marks=marks, deputy=world.deputy_dave, on_paper=True
    )
    assert b.on_paper and b.recorded_by == world.user("clerk")
    audit = BallotAudit.objects.get(cycle=cycle)
    assert (audit.on_paper, audit.actor) == (True, world.user("clerk"))
