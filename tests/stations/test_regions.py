from django.urls import reverse

from stations.choices import RegionLevel
from stations.models import Region

from .. import factories as f

LIST = reverse("stations:region_list")
CREATE = reverse("stations:region_create")


def test_it_shows_the_tree_with_subtree_counts(as_role, world, django_assert_max_num_queries):
    f.StationFactory(name="秀洲二站", region=world.street_s3)
    client = as_role("city_clerk")
    client.get(LIST)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    rows = {row.region.code: row for row in response.context["rows"]}
    assert rows["330400"].subtree_stations == 5 and rows["330400"].depth == 0
    assert rows["330402"].subtree_stations == 3 and rows["330402"].stations == 0
    assert rows["330402001"].stations == 2 and rows["330402001"].depth == 2
    assert rows["330411"].subtree_stations == 2
    assert "330000" not in rows  # the province is above the clerk's area


def test_it_limits_clerks_to_their_area(as_role, world):
    codes = {row.region.code for row in as_role("clerk").get(LIST).context["rows"]}
    assert codes == {"330402", "330402001", "330402002"}


def test_it_refuses_deputies(as_role):
    assert as_role("deputy").get(LIST).status_code == 403


def test_it_adds_a_community(as_role, world):
    response = as_role("admin").post(
        CREATE,
        {
            "parent": world.street_s1.pk,
            "level": RegionLevel.COMMUNITY,
            "name": "嘉禾社区",
            "code": "330402001009",
        },
    )
    assert response.status_code == 302
    region = Region.objects.get(code="330402001009")
    assert region.path == world.street_s1.path + "330402001009/"


def test_it_refuses_a_taken_code(as_role, world):
    response = as_role("admin").post(
        CREATE,
        {
            "parent": world.district_x.pk,
            "level": RegionLevel.STREET,
            "name": "重复",
            "code": world.street_s1.code,
        },
    )
    assert "code" in response.context["form"].errors
    assert not Region.objects.filter(name="重复").exists()


def test_it_refuses_bad_codes_and_levels(as_role, world):
    response = as_role("admin").post(
        CREATE,
        {"parent": world.street_s1.pk, "level": RegionLevel.CITY, "name": "错误", "code": "33A"},
    )
    errors = response.context["form"].errors
    assert "code" in errors
    response = as_role("admin").post(
        CREATE,
        {
            "parent": world.street_s1.pk,
            "level": RegionLevel.CITY,
            "name": "错误",
            "code": "330402001010",
        },
    )
    assert "level" in response.context["form"].errors
    assert not Region.objects.filter(name="错误").exists()


def test_it_refuses_non_admins(as_role, world):
    response = as_role("city_clerk").post(
        CREATE,
        {
            "parent": world.street_s1.pk,
            "level": RegionLevel.COMMUNITY,
            "name": "越权",
            "code": "330402001011",
        },
    )
    assert response.status_code == 403
    assert not Region.objects.filter(name="越权").exists()
