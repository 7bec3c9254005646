"""Phones are masked for every role; an allowed user shows one in full, and that is recorded."""

from django.urls import reverse

from core.models import PersonalDataReveal
from petitions.choices import Status

from .factories import make_petition

FULL = "13812345678"


def test_the_case_page_masks_the_phone_even_for_the_station(as_role, world):
    p = make_petition(world, Status.ASSIGNED)
    for role in ("staff", "handler"):
        html = as_role(role).get(p.get_absolute_url()).content.decode()
        assert FULL not in html and "138****5678" in html
        assert "Show full phone and address" in html


def test_showing_the_number_writes_one_audit_row_with_who_whose_and_why(as_role, world):
    p = make_petition(world, Status.ASSIGNED)
    response = as_role("handler").post(
        reverse("petitions:reveal_contact", args=[p.pk]), {"reason": "call_back"}
    )
    assert response.status_code == 200
    assert FULL in response.content.decode()
    row = PersonalDataReveal.objects.get()
    assert (row.user, row.subject_id, row.field, row.reason) == (
        world.user("handler"),
        p.pk,
        "phone",
        "call_back",
    )
    # The next visit is masked again.
    assert FULL not in as_role("handler").get(p.get_absolute_url()).content.decode()


def test_a_clerk_who_sees_the_case_may_not_show_the_number(as_role, world):
    p = make_petition(world, Status.ASSIGNED)
    html = as_role("clerk").get(p.get_absolute_url()).content.decode()
    assert "Show full phone and address" not in html
    response = as_role("clerk").post(
        reverse("petitions:reveal_contact", args=[p.pk]), {"reason": "call_back"}
    )
    assert response.status_code == 403
    assert not PersonalDataReveal.objects.exists()


def test_a_reason_is_required(as_role, world):
    p = make_petition(world, Status.ASSIGNED)
    response = as_role("staff").post(reverse("petitions:reveal_contact", args=[p.pk]), {})
    assert response.status_code == 302
    assert not PersonalDataReveal.objects.exists()


def test_the_slip_prints_the_masked_number_unless_asked_and_then_records_it(as_role, world):
    p = make_petition(world, Status.ASSIGNED)
    url = reverse("petitions:assignment_slip", args=[p.pk])
    client = as_role("staff")
    assert FULL not in client.get(url).content.decode()
    assert not PersonalDataReveal.objects.exists()
    assert FULL in client.get(url + "?full_phone=1").content.decode()
    assert PersonalDataReveal.objects.get().reason == "handling"
    # A clerk asking for the full number still gets the masked one.
    assert FULL not in as_role("clerk").get(url + "?full_phone=1").content.decode()
