"""The reception page lists every opinion raised at it, but a tracking code (the constituent's
key to the public progress page) and the link only for a case the user may open."""

from django.urls import reverse

from petitions.models import Petition

from .factories import make_petition, make_reception


def _reception_with_two_deputies_cases(world):
    """A reception at station A where 戴伟 and 裴佳 both sat; one opinion went to each."""
    reception = make_reception(world)
    reception.deputies.add(world.deputy_peggy)
    dave_case = make_petition(world, "submitted", title="戴伟收到的意见", reception=reception)
    peggy_case = make_petition(
        world,
        "submitted",
        title="裴佳收到的意见",
        reception=reception,
        deputy=world.deputy_peggy,
    )
    return reception, dave_case, peggy_case


def test_it_shows_a_deputy_the_code_of_their_own_case_only(as_role, world):
    reception, dave_case, peggy_case = _reception_with_two_deputies_cases(world)
    client = as_role("deputy")
    page = client.get(reception.get_absolute_url()).content.decode()
    assert "戴伟收到的意见" in page and "裴佳收到的意见" in page
    assert dave_case.display_code in page and dave_case.get_absolute_url() in page
    assert peggy_case.display_code not in page and peggy_case.tracking_code not in page
    assert peggy_case.get_absolute_url() not in page
    # The rule is the case page's own: the one without a code is one they cannot open.
    assert client.get(peggy_case.get_absolute_url()).status_code == 404


def test_it_shows_staff_and_clerks_every_code(as_role, world):
    reception, dave_case, peggy_case = _reception_with_two_deputies_cases(world)
    for role in ("staff", "clerk"):
        page = as_role(role).get(reception.get_absolute_url()).content.decode()
        for case in (dave_case, peggy_case):
            assert case.display_code in page and case.get_absolute_url() in page


def test_the_row_added_with_htmx_shows_the_code_to_staff(as_role, world):
    reception = make_reception(world)
    response = as_role("staff").post(
        reverse("petitions:reception_add_petition", args=[reception.pk]),
        {
            "constituent_name": "王芳",
            "title": "路灯不亮",
            "content": "请处理",
            "idempotency_key": "k",
        },
        HTTP_HX_REQUEST="true",
    )
    p = Petition.objects.get(title="路灯不亮")
    row = response.content.decode().split('hx-swap-oob="afterbegin:#opinion-rows"')[1]
    assert p.display_code in row and p.get_absolute_url() in row
