import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.usefixtures("registry_env")

URL = reverse("deputies:list")


@pytest.fixture
def zhang(world):
    deputy = f.DeputyFactory(name="张三", phone="13712345678")
    f.StationAssignmentFactory(deputy=deputy, station=world.station_a)
    return deputy


@pytest.mark.parametrize("text", ["zs", "zhangsan", "张三", "ZhangSan", "zhang san"])
def test_it_finds_a_name_by_pinyin_initials_or_characters(as_role, zhang, text):
    response = as_role("staff").get(URL, {"q": text})
    assert "张三" in response.content.decode()
    assert "戴伟" not in response.content.decode()


def test_it_lists_only_visible_deputies(as_role, world):
    body = as_role("staff").get(URL).content.decode()
    assert "戴伟" in body
    assert "裴佳" not in body  # station B is another district


def test_it_filters_by_level_and_station(as_role, world, zhang):
    f.StationAssignmentFactory(
        deputy=f.DeputyFactory(name="李四", level="township"), station=world.station_a2
    )
    client = as_role("clerk")
    body = client.get(URL, {"level": "township"}).content.decode()
    assert "李四" in body and "张三" not in body
    body = client.get(URL, {"station": world.station_a2.pk}).content.decode()
    assert "李四" in body and "戴伟" not in body


def test_the_list_masks_every_phone_even_for_the_station(as_role, world):
    body = as_role("staff").get(URL).content.decode()
    assert "13800138000" not in body and "138****8000" in body


def test_it_masks_the_phone_for_staff_of_a_neighbour_station(as_role, world):
    # other_staff sees 戴伟 only through a shared assignment below; the phone stays masked.
    f.StationAssignmentFactory(deputy=world.deputy_dave, station=world.room_a1, is_primary=False)
    other = f.DeputyFactory(name="王五", phone="13611112222")
    f.StationAssignmentFactory(deputy=other, station=world.station_a2)
    body = as_role("far_staff").get(URL).content.decode()
    assert "13800138000" not in body
    body = as_role("other_staff").get(URL).content.decode()
    assert "136****2222" in body and "13800138000" not in body


@pytest.mark.parametrize("role,full", [("admin", False), ("clerk", False), ("city_clerk", False)])
def test_the_list_masks_the_phone_for_admins_and_clerks_too(as_role, world, role, full):
    body = as_role(role).get(URL).content.decode()
    assert ("13800138000" in body) is full


def test_it_refuses_deputies_and_handlers(as_role, world):
    assert as_role("deputy").get(URL).status_code == 403
    assert as_role("handler").get(URL).status_code == 403


def _add_deputies(world, n):
    for i in range(n):
        d = f.DeputyFactory(name=f"测试{i}")
        f.StationAssignmentFactory(deputy=d, station=world.station_a)
        f.StationAssignmentFactory(deputy=d, station=world.room_a1, is_primary=False)


@pytest.mark.parametrize("extra", [3, 40])
def test_it_runs_a_constant_number_of_queries(as_role, world, django_assert_num_queries, extra):
    _add_deputies(world, extra)
    client = as_role("staff")
    # session, user with its roles and unread notifications (core.roles), count, page,
    # assignments prefetch, station filter choices
    with django_assert_num_queries(6):
        response = client.get(URL, {"q": "cs"})
    assert response.status_code == 200


def test_it_filters_by_active_status(as_role, world):
    world.deputy_dave.is_active = False
    world.deputy_dave.save()
    client = as_role("clerk")
    assert "戴伟" not in client.get(URL, {"is_active": "true"}).content.decode()
    assert "戴伟" in client.get(URL, {"is_active": "false"}).content.decode()
