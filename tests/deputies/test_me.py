import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("registry_env")

URL = reverse("deputies:me")


def test_it_shows_the_deputys_own_profile_stations_and_qr(as_role, world):
    body = as_role("deputy").get(URL).content.decode()
    assert "戴伟" in body
    assert "新兴街道人大代表联络站" in body
    assert reverse("deputies:qr_svg", args=[world.deputy_dave.public_code]) in body
    assert "裴佳" not in body


def test_it_is_404_without_a_deputy_profile(as_role, world):
    assert as_role("staff").get(URL).status_code == 404


def test_it_is_linked_from_the_home_page_a_deputy_lands_on(as_role, world):
    # Home sends a deputy to the to-do home (petitions/todo), which links the schedule.
    response = as_role("deputy").get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse("todo:home")


def test_it_shows_the_nav_links_by_role(as_role, world):
    body = as_role("deputy").get(URL).content.decode()
    assert URL in body and f'href="{reverse("deputies:list")}"' not in body
