"""The ties demo: every feature has rows, every deputy a term, and a rerun adds nothing."""

from io import StringIO

from django.core.management import call_command

from deputies.models import Deputy, DeputyTerm
from ties.models import (
    Appointment,
    CommitteeLink,
    ConstituentPair,
    Contact,
    EvaluationMark,
    Grid,
    MeetingItem,
    ReportBack,
)

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
    terms = DeputyTerm.objects.count()
    call_command("demo_data", stdout=StringIO())
    assert {m.__name__: m.objects.count() for m in MODELS} == counts
    assert DeputyTerm.objects.count() == terms
