"""The ties demo: every feature has rows, every deputy a term, and a rerun adds nothing."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from deputies.models import Deputy, DeputyTerm
from petitions.models import Petition
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

MODELS = (
    ConstituentPair,
    Contact,
    CommitteeLink,
    Grid,
    ReportBack,
    EvaluationMark,
    Appointment,
    MeetingItem,
)


def test_the_demo_has_every_feature_and_reruns_cleanly(db):
    call_command("demo_data", stdout=StringIO())
    counts = {m.__name__: m.objects.count() for m in MODELS}
    assert all(counts.values()), counts
    assert not Deputy.objects.filter(terms__isnull=True).exists()
    assert Contact.objects.filter(petition__isnull=False).count() == 1
    assert Grid.objects.filter(deputy_links__isnull=True).count() == 1
    assert Appointment.objects.filter(status="pending").count() == 1
    # A themed-meeting answer waits for 戴伟's own rating; the other deputy has rated.
    deputy = get_user_model().objects.get(username="deputy")
    assert len(meeting_ratings_due(deputy)) == 1
    assert MeetingRating.objects.exclude(deputy__user=deputy).count() == 1
    # The grid worker logged a reception day on the station's pages, with its opinion.
    worker = get_user_model().objects.get(username="gridworker")
    assert Petition.objects.filter(created_by=worker, reception__created_by=worker).exists()
    terms = DeputyTerm.objects.count()
    call_command("demo_data", stdout=StringIO())
    assert {m.__name__: m.objects.count() for m in MODELS} == counts
    assert DeputyTerm.objects.count() == terms
