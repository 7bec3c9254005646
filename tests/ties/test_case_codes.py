"""Pages of ties that list cases (a themed meeting's items, a pair's contacts) show a case's
tracking code and link only to those who may open the case (Petition.objects.visible_to)."""

import pytest

from tests import factories as f
from tests.petitions.public_support import to_feedback_given
from ties import services

from .support import make_contact, make_item, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def li(world):
    """李军, a second deputy of station A who sat at the meeting but raised nothing."""
    user = f.UserFactory(username="lijun")
    deputy = f.DeputyFactory(name="李军", user=user)
    f.StationAssignmentFactory(deputy=deputy, station=world.station_a)
    return deputy


def test_a_deputy_of_the_meeting_sees_the_items_but_not_the_code_of_anothers_case(
    client, world, li
):
    item = make_item(world, make_meeting(world, deputies=[world.deputy_dave, li]))
    code, url = item.petition.display_code, item.petition.get_absolute_url()
    client.force_login(li.user)
    page = client.get(f"/ties/meetings/{item.meeting_id}/").content.decode()
    assert "加装电梯审批慢" in page
    assert code not in page and url not in page
    assert client.get(url).status_code == 404
    # Who raised it, and the station's staff, open the case from the item.
    for user in (world.user("deputy"), world.user("staff")):
        client.force_login(user)
        page = client.get(f"/ties/meetings/{item.meeting_id}/").content.decode()
        assert code in page and url in page


def test_the_rating_page_names_the_case_by_code_only_for_who_may_open_it(client, world, li):
    item = make_item(world, make_meeting(world, deputies=[world.deputy_dave, li]))
    to_feedback_given(world, item.petition)
    client.force_login(li.user)
    page = client.get(f"/ties/items/{item.pk}/my-rating/").content.decode()
    assert "加装电梯审批慢" in page and 'name="satisfaction"' in page
    assert item.petition.display_code not in page
    client.force_login(world.user("deputy"))
    page = client.get(f"/ties/items/{item.pk}/my-rating/").content.decode()
    assert item.petition.display_code in page


def test_staff_of_the_deputys_other_station_see_the_pair_but_not_the_cases_code(client, world):
    # 戴伟 also sits at station B (not his primary station): its staff see his pairs, but the
    # case a contact became is station A's.
    f.StationAssignmentFactory(deputy=world.deputy_dave, station=world.station_b, is_primary=False)
    contact = make_contact(world)
    petition = services.contact_raise_case(actor=world.user("deputy"), contact=contact)
    client.force_login(world.user("far_staff"))
    page = client.get(contact.pair.get_absolute_url()).content.decode()
    assert "小区门口路灯不亮" in page
    assert petition.display_code not in page and petition.get_absolute_url() not in page
    client.force_login(world.user("staff"))
    page = client.get(contact.pair.get_absolute_url()).content.decode()
    assert petition.display_code in page and petition.get_absolute_url() in page
