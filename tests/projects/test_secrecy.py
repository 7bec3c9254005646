"""Per-deputy ballots are secret: no public page and no clerk, deputy or staff page shows who
voted how; only the vote administrator's page does (which proves the names would show)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from deputies.choices import DeputyLevel
from projects import services
from projects.choices import Choice

from ..factories import DeputyFactory, StationAssignmentFactory, UserFactory
from .factories import make_cycle, open_vote, propose, screen

pytestmark = pytest.mark.django_db
VOTERS = ("票决人甲", "票决人乙")


@pytest.fixture
def voted(world):
    cycle = make_cycle(world)
    lift = screen(world, propose(world, cycle, title="电梯加装"))
    deputies = []
    for name in VOTERS:
        d = DeputyFactory.create(name=name, level=DeputyLevel.DISTRICT, user=UserFactory.create())
        StationAssignmentFactory.create(
            deputy=d, station=world.station_a, start_date=dt.date(2022, 1, 1)
        )
        deputies.append(d)
    cycle = open_vote(world, lift.cycle)
    services.ballot_cast(actor=deputies[0].user, cycle=cycle, marks={lift.pk: Choice.FOR})
    services.ballot_cast(actor=deputies[1].user, cycle=cycle, marks={lift.pk: Choice.AGAINST})
    services.ballot_cast(actor=world.user("deputy"), cycle=cycle, marks={lift.pk: Choice.FOR})
    return cycle, lift, deputies


def _pages(cycle, lift):
    return [
        reverse("projects:cycle", args=[cycle.pk]),
        reverse("projects:detail", args=[lift.pk]),
        reverse("projects:list"),
        reverse("projects:dashboard"),
    ]


def _get(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_only_the_vote_administrator_sees_who_voted_how(world, voted):
    cycle, lift, deputies = voted
    page = _get(world.user("clerk"), reverse("projects:ballots", args=[cycle.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert all(name in text for name in VOTERS)  # the test can fail: the names are there
    for role in ("city_clerk", "staff", "deputy", "handler"):
        assert (
            _get(world.user(role), reverse("projects:ballots", args=[cycle.pk])).status_code == 403
        )
    assert _get(deputies[0].user, reverse("projects:ballots", args=[cycle.pk])).status_code == 403


@pytest.mark.parametrize("role", ["clerk", "city_clerk", "admin", "deputy", "staff", "handler"])
def test_no_staff_page_names_a_voter(world, voted, role):
    cycle, lift, deputies = voted
    for url in _pages(cycle, lift):
        response = _get(world.user(role), url)
        if response.status_code != 200:
            continue
        text = response.content.decode()
        assert not any(name in text for name in VOTERS), (role, url)


def test_a_deputy_sees_only_their_own_ballot(world, voted):
    cycle, lift, deputies = voted
    page = _get(deputies[1].user, reverse("projects:ballot", args=[cycle.pk])).content.decode()
    # Their own "against" is checked; nobody else's choice is on the page.
    import re

    checked = re.findall(r'<input[^>]*value="(\w+)"[^>]*checked', page)
    assert checked == ["against"]
    assert not any(name in page for name in VOTERS)


def test_the_published_result_shows_counts_only(world, voted):
    cycle, lift, deputies = voted
    services.cycle_close_vote(actor=world.user("clerk"), cycle=cycle)
    for user in (None, world.user("city_clerk"), world.user("deputy")):
        for url in (
            reverse("projects_public:results", args=[cycle.pk]),
            reverse("projects:cycle", args=[cycle.pk]),
            reverse("projects_public:project", args=[lift.pk]),
        ):
            response = _get(user, url)
            if user is None and url.startswith("/projects/"):
                continue
            text = response.content.decode()
            assert not any(name in text for name in VOTERS), url
    results = _get(None, reverse("projects_public:results", args=[cycle.pk])).content.decode()
    # 3 deputies: 2 needed; 2 for, 1 against → chosen.
    assert "data-for>2<" in results and "data-against>1<" in results
    assert 'data-result="chosen"' in results
