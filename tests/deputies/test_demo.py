import pytest

from deputies import demo
from deputies.models import Deputy, StationAssignment

pytestmark = pytest.mark.usefixtures("registry_env")


@pytest.fixture
def fresh_world(world):
    # The demo links the login "deputy" to its own 戴伟; free the world's one first.
    world.deputy_dave.user = None
    world.deputy_dave.save()
    return world


def test_it_loads_about_200_deputies_over_all_five_levels(fresh_world):
    demo.load()
    deputies = Deputy.objects.filter(phone__startswith="1860573")
    assert deputies.count() == demo.DEMO_COUNT
    levels = dict.fromkeys(("national", "provincial", "municipal", "district", "township"), 0)
    for level in deputies.values_list("level", flat=True):
        levels[level] += 1
    assert all(levels.values())
    assert levels["national"] < levels["district"] < levels["township"] + levels["district"]
    # Every demo deputy sits at a station, exactly one primary each.
    primaries = StationAssignment.objects.filter(
        deputy__in=deputies, is_primary=True, end_date=None
    )
    assert primaries.count() == demo.DEMO_COUNT
    assert StationAssignment.objects.filter(deputy__in=deputies, is_primary=False).exists()


def test_it_links_the_demo_login_to_dai_wei_at_xinxing(fresh_world):
    demo.load()
    dai = Deputy.objects.get(user__username="deputy")
    assert dai.name == "戴伟" and dai.phone.startswith("1860573")
    assert dai.assignments.get(is_primary=True).station == fresh_world.station_a


def test_it_is_idempotent(fresh_world):
    demo.load()
    counts = (Deputy.objects.count(), StationAssignment.objects.count())
    demo.load()
    assert (Deputy.objects.count(), StationAssignment.objects.count()) == counts


def test_it_is_deterministic(fresh_world):
    demo.load()
    names = list(Deputy.objects.filter(phone__startswith="1860573").values_list("name", "phone"))
    Deputy.objects.filter(phone__startswith="1860573").delete()
    demo.load()
    again = list(Deputy.objects.filter(phone__startswith="1860573").values_list("name", "phone"))
    assert sorted(names) == sorted(again)


def test_scale_bulk_creates_searchable_deputies_with_stations(world):
    before = Deputy.objects.count()
    assert demo.scale(3000) == 3000
    assert Deputy.objects.count() == before + 3000
    made = Deputy.objects.exclude(pk__in=[world.deputy_dave.pk, world.deputy_peggy.pk])
    assert not made.filter(name_pinyin="").exists()
    assert StationAssignment.objects.filter(deputy__in=made).count() == 3000
    demo.scale(10)  # a second call does not collide on phones
