"""Merging a duplicate never tells its constituent the original case's tracking code."""

import pytest
from django.urls import reverse

from core.models import OutboxMessage
from petitions import services
from petitions.choices import EventKind, Status

from .factories import make_petition

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged(world):
    original = make_petition(world, Status.ACCEPTED, phone="13900001111")
    duplicate = make_petition(world, Status.SUBMITTED, phone="13812345678")
    services.petition_merge(actor=world.user("staff"), petition=duplicate, into=original)
    duplicate.refresh_from_db()
    return original, duplicate


def _codes(p) -> tuple[str, str]:
    return p.tracking_code, p.display_code


def test_it_tells_the_duplicate_only_that_it_joined_an_existing_case(world, merged):
    original, duplicate = merged
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    public = duplicate.events.filter(is_public=True)
    for event in public:
        assert not any(code in event.public_note for code in _codes(original))
    assert "existing case at the station" in public.get(to_status=Status.MERGED).public_note
    sms = OutboxMessage.objects.get(dedupe_key=f"petition:{duplicate.pk}:merged:sms")
    assert sms.address == "13812345678"
    assert "existing case" in sms.subject
    text = sms.subject + sms.body
    assert not any(code in text for code in _codes(original))
    assert duplicate.display_code in text  # their own code, to follow the case


def test_it_keeps_the_original_code_for_staff(as_role, world, merged):
    original, duplicate = merged
    # The step's internal note (staff only) names the original.
    assert original.display_code in duplicate.events.get(to_status=Status.MERGED).note
    page = as_role("staff").get(duplicate.get_absolute_url()).content.decode()
    assert original.display_code in page
    # The original's timeline names the duplicate, internally.
    assert original.events.get(kind=EventKind.MERGED_IN).is_public is False


def test_it_shows_no_other_case_on_the_public_tracking_page(client, world, merged):
    original, duplicate = merged
    response = client.get(reverse("public:track_detail", args=[duplicate.tracking_code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert duplicate.display_code in html or duplicate.tracking_code in html
    assert not any(code in html for code in _codes(original))
