"""`manage.py demo_data` loads every available layer and can run twice without duplicates."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from deputies.models import Deputy
from petitions.models import Petition
from reports.ledgers.models import DeputyActivity, ProgressNotice
from stations.choices import StationKind
from stations.models import Station


def _counts() -> dict:
    return {
        "stations": Station.objects.count(),
        "deputies": Deputy.objects.count(),
        "petitions": Petition.objects.count(),
        "activities": DeputyActivity.objects.count(),
        "notices": ProgressNotice.objects.count(),
        "users": get_user_model().objects.count(),
    }


def test_it_loads_the_demo_twice_without_duplicates(db):
    out = StringIO()
    call_command("demo_data", stdout=out)
    first = _counts()
    assert "Demo data loaded" in out.getvalue()
    assert first["stations"] > 0 and first["deputies"] > 0 and first["activities"] > 0
    homes = Station.objects.filter(is_active=True, kind=StationKind.HOME).count()
    assert first["notices"] == homes
    assert ProgressNotice.objects.filter(published_at__isnull=True).count() == 0
    for username in ("admin", "clerk_city", "clerk", "staff", "staff2", "deputy", "handler"):
        assert get_user_model().objects.filter(username=username).exists(), username

    call_command("demo_data", stdout=StringIO())
    assert _counts() == first
