import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.usefixtures("registry_env")


def _url(deputy):
    return reverse("deputies:detail", args=[deputy.pk])


@pytest.mark.parametrize(
    "role,full",
    # A deputy reads their own number (other deputies cannot open the page at all: 404); every
    # other role sees it masked and, where allowed, shows it with a recorded click.
    [("admin", False), ("staff", False), ("clerk", False), ("city_clerk", False), ("deputy", True)],
)
def test_it_masks_the_phone_for_every_role_but_the_deputy(as_role, world, role, full):
    body = as_role(role).get(_url(world.deputy_dave)).content.decode()
    assert ("13800138000" in body) is full
    assert "138****8000" in body or full
    assert ("Show full number" in body) is not full


@pytest.mark.parametrize("role", ["admin", "staff", "clerk", "city_clerk"])
def test_an_allowed_role_shows_the_number_and_the_look_is_recorded(as_role, world, role):
    from core.models import PersonalDataReveal

    url = reverse("deputies:reveal_phone", args=[world.deputy_dave.pk])
    response = as_role(role).post(url, {"reason": "correction"})
    assert response.status_code == 200
    assert "13800138000" in response.content.decode()
    row = PersonalDataReveal.objects.get()
    assert (row.user, row.subject_id, row.reason) == (
        world.user(role),
        world.deputy_dave.pk,
        "correction",
    )


def test_it_shows_current_and_past_stations_with_the_primary_marked(as_role, world):
    import datetime as dt

    f.StationAssignmentFactory(
        deputy=world.deputy_dave,
        station=world.station_a2,
        is_primary=False,
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2021, 12, 31),
    )
    body = as_role("clerk").get(_url(world.deputy_dave)).content.decode()
    assert "新兴街道人大代表联络站" in body
    assert "建设街道人大代表联络站" in body and "2021-12-31" in body
    assert "Primary" in body


def test_it_offers_the_edit_link_only_to_those_who_may_edit(as_role, world):
    edit = reverse("deputies:edit", args=[world.deputy_dave.pk])
    assert edit in as_role("staff").get(_url(world.deputy_dave)).content.decode()
    assert edit not in as_role("deputy").get(_url(world.deputy_dave)).content.decode()


def test_it_hides_a_deputy_of_another_district(as_role, world):
    assert as_role("staff").get(_url(world.deputy_peggy)).status_code == 404


def test_it_shows_the_qr_code_and_public_link(as_role, world):
    body = as_role("staff").get(_url(world.deputy_dave)).content.decode()
    assert reverse("deputies:qr_svg", args=[world.deputy_dave.public_code]) in body
    assert world.deputy_dave.public_url in body


def test_it_masks_the_phone_for_staff_of_a_former_station(as_role, world):
    import datetime as dt

    f.StationAssignmentFactory(
        deputy=world.deputy_dave,
        station=world.station_a2,
        is_primary=False,
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2021, 12, 31),
    )
    body = as_role("other_staff").get(_url(world.deputy_dave)).content.decode()
    assert "138****8000" in body and "13800138000" not in body
    assert "Show full number" not in body
