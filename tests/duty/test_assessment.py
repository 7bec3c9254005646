"""The yearly station assessment: a hand-counted score, the ranking, the award published."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from duty.assessment import assessment_record
from petitions.choices import Satisfaction, Status
from stations.choices import StaffPostKind
from tests.factories import StaffPostFactory, UserFactory
from tests.images import picture
from tests.reports.ledger_support import at, petition, reception

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def station_a(world):
    s = world.station_a
    s.has_site = s.has_staff = s.has_rules = s.has_plan = True  # 4 of 六有
    s.floor_area = Decimal("80")
    s.save()
    # The world's staff member is a head (the factory's post); add one deputy head, no liaison.
    StaffPostFactory(user=UserFactory(username="副站长"), station=s, post=StaffPostKind.DEPUTY_HEAD)
    for _ in range(6):  # 6 receptions of 12
        reception(world, held_at=at(TODAY))
    # 4 accepted, 2 closed: one satisfied, one unsatisfied (1 of 2 rated satisfied).
    petition(
        world,
        submitted=at(TODAY),
        status=Status.CLOSED,
        closed_at=at(TODAY),
        satisfaction=Satisfaction.SATISFIED,
    )
    petition(
        world,
        submitted=at(TODAY),
        status=Status.CLOSED,
        closed_at=at(TODAY),
        satisfaction=Satisfaction.UNSATISFIED,
    )
    petition(world, submitted=at(TODAY))
    petition(world, submitted=at(TODAY))
    return s


def test_the_score_is_hand_countable(world, station_a):
    from stations.models import StaffPost

    assert StaffPost.objects.get(user=world.user("staff")).post == StaffPostKind.HEAD
    photo = SimpleUploadedFile("门牌.png", picture(), content_type="image/png")
    a = assessment_record(actor=world.user("clerk"), station=station_a, year=YEAR, photos=[photo])
    # 六有 4×5 = 20; site 80 m² = 10; staff: head 5 + deputy head 5 + no liaison 0 = 10;
    # evidence 5; receptions 6/12 × 15 = 7.5; completion 2/4 × 10 = 5; satisfaction 1/2 × 15
    # = 7.5. Total 65.
    assert a.breakdown["six_haves"] == "20.0"
    assert a.breakdown["staff"] == "10.0"
    assert a.breakdown["receptions"] == "7.5"
    assert a.score == Decimal("65.0")


def test_a_small_site_measured_loses_the_site_points(world, station_a):
    a = assessment_record(
        actor=world.user("clerk"), station=station_a, year=YEAR, floor_area=Decimal("45")
    )
    assert a.breakdown["site"] == "0.0" and a.score == Decimal("50.0")


def test_only_the_areas_clerks_assess(world, station_a):
    for role in ("staff", "other_clerk", "deputy"):
        with pytest.raises(PermissionDenied):
            assessment_record(actor=world.user(role), station=station_a, year=YEAR)


def test_the_ranking_and_the_published_award(world, station_a, as_role, client):
    assessment_record(
        actor=world.user("clerk"),
        station=station_a,
        year=YEAR,
        award="最美人大代表联络站",
        award_published=True,
    )
    assessment_record(actor=world.user("clerk"), station=world.station_a2, year=YEAR)
    page = as_role("city_clerk").get(reverse("duty:assessments")).content.decode()
    assert page.index(station_a.name) < page.index(world.station_a2.name)
    assert world.station_b.name in page and "Not assessed" in page
    public = client.get(reverse("stations:public", args=[station_a.public_code])).content.decode()
    assert "最美人大代表联络站" in public
    assert (
        "最美"
        not in client.get(
            reverse("stations:public", args=[world.station_a2.public_code])
        ).content.decode()
    )


def test_an_unpublished_award_stays_internal(world, station_a, client):
    assessment_record(
        actor=world.user("clerk"), station=station_a, year=YEAR, award="最美人大代表联络站"
    )
    public = client.get(reverse("stations:public", args=[station_a.public_code])).content.decode()
    assert "最美人大代表联络站" not in public


def test_the_assess_page_saves_and_shows_the_score(world, station_a, as_role):
    client = as_role("clerk")
    url = reverse("duty:assess", args=[station_a.pk])
    assert "六有" in client.get(url).content.decode()
    response = client.post(url, {"floor_area": "abc", "note": "门牌清晰"})
    assert response.status_code == 400 and "门牌清晰" in response.content.decode()
    response = client.post(url, {"floor_area": "80", "note": "门牌清晰"}, follow=True)
    assert "Assessment saved: 60.0 points." in response.content.decode()
