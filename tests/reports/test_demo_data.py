"""`manage.py demo_data` loads every available layer and can run twice without duplicates.

The whole loader is the most expensive setup of the suite, so it runs twice once for this
module (inside a transaction rolled back at the end) and each test reads what it needs from
the first and the second run: the reports layer here, the ties layer below (the ties demo
has every feature, every deputy a term, and a rerun adds nothing)."""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from deputies.models import Deputy, DeputyTerm
from petitions.models import Petition
from reports.ledgers.models import DeputyActivity, ProgressNotice
from stations.choices import StationKind
from stations.models import Station
from ties.models import (
    Appointment,
    CommitteeLink,
    ConstituentPair,
    Contact,
    EvaluationMark,
    Grid,
    MeetingItem,
    MeetingRating,
    ReportBack,
)
from ties.services import meeting_ratings_due

TIES_MODELS = (
    ConstituentPair,
    Contact,
    CommitteeLink,
    Grid,
    ReportBack,
    EvaluationMark,
    Appointment,
    MeetingItem,
)


def _counts() -> dict:
    return {
        "stations": Station.objects.count(),
        "deputies": Deputy.objects.count(),
        "petitions": Petition.objects.count(),
        "activities": DeputyActivity.objects.count(),
        "notices": ProgressNotice.objects.count(),
        "users": get_user_model().objects.count(),
    }


def _ties_counts() -> dict:
    return {m.__name__: m.objects.count() for m in TIES_MODELS}


@dataclass
class Runs:
    output: str  # what the first run printed
    first: dict  # _counts() after the first run
    ties_first: dict  # _ties_counts() after the first run
    terms_first: int
    # The checks of the first run's rows, read before the second run.
    homes: int
    unpublished_notices: int
    demo_logins: dict
    deputies_without_term: bool
    contacts_with_case: int
    grids_without_deputy: int
    pending_appointments: int
    ratings_due_to_deputy: int  # themed-meeting answers waiting for 戴伟's own rating
    ratings_by_others: int
    grid_worker_recorded: bool  # the grid worker's own reception day with its opinion


@pytest.fixture(scope="module")
def demo_twice(django_db_setup, django_db_blocker, tmp_path_factory):
    # The demo's uploads land in a temporary folder, as every test's do (tests/conftest.py).
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo_data", stdout=out)
        logins = ("admin", "clerk_city", "clerk", "staff", "staff2", "deputy", "handler")
        runs = Runs(
            output=out.getvalue(),
            first=_counts(),
            ties_first=_ties_counts(),
            terms_first=DeputyTerm.objects.count(),
            homes=Station.objects.filter(is_active=True, kind=StationKind.HOME).count(),
            unpublished_notices=ProgressNotice.objects.filter(published_at__isnull=True).count(),
            demo_logins={
                name: get_user_model().objects.filter(username=name).exists() for name in logins
            },
            deputies_without_term=Deputy.objects.filter(terms__isnull=True).exists(),
            contacts_with_case=Contact.objects.filter(petition__isnull=False).count(),
            grids_without_deputy=Grid.objects.filter(deputy_links__isnull=True).count(),
            pending_appointments=Appointment.objects.filter(status="pending").count(),
            ratings_due_to_deputy=len(
                meeting_ratings_due(get_user_model().objects.get(username="deputy"))
            ),
            ratings_by_others=MeetingRating.objects.exclude(
                deputy__user__username="deputy"
            ).count(),
            grid_worker_recorded=Petition.objects.filter(
                created_by__username="gridworker", reception__created_by__username="gridworker"
            ).exists(),
        )
        call_command("demo_data", stdout=StringIO())
        yield runs
        transaction.set_rollback(True)


def test_it_loads_the_demo_twice_without_duplicates(demo_twice: Runs, db):
    first = demo_twice.first
    assert "Demo data loaded" in demo_twice.output
    assert first["stations"] > 0 and first["deputies"] > 0 and first["activities"] > 0
    assert first["notices"] == demo_twice.homes
    assert demo_twice.unpublished_notices == 0
    for username, exists in demo_twice.demo_logins.items():
        assert exists, username

    assert _counts() == first


def test_the_ties_demo_has_every_feature_and_reruns_cleanly(demo_twice: Runs, db):
    counts = demo_twice.ties_first
    assert all(counts.values()), counts
    assert not demo_twice.deputies_without_term
    assert demo_twice.contacts_with_case == 1
    assert demo_twice.grids_without_deputy == 1
    assert demo_twice.pending_appointments == 1
    # A themed-meeting answer waits for 戴伟's own rating; the other deputy has rated.
    assert demo_twice.ratings_due_to_deputy == 1
    assert demo_twice.ratings_by_others == 1
    # The grid worker logged a reception day on the station's pages, with its opinion.
    assert demo_twice.grid_worker_recorded
    assert _ties_counts() == counts
    assert DeputyTerm.objects.count() == demo_twice.terms_first
