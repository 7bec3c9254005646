from stations import demo
from stations.choices import StationKind
from stations.models import ClerkScope, Department, Region, StaffPost, Station


def test_it_loads_the_demo_city_twice_without_duplicates(db):
    first = demo.load()
    counts = (
        Region.objects.count(),
        Station.objects.count(),
        Department.objects.count(),
        StaffPost.objects.count(),
        ClerkScope.objects.count(),
    )
    second = demo.load()
    assert counts == (
        Region.objects.count(),
        Station.objects.count(),
        Department.objects.count(),
        StaffPost.objects.count(),
        ClerkScope.objects.count(),
    )
    assert first["station"] == second["station"]
    station = first["station"]
    assert station.name == "新兴街道人大代表联络站"
    staff = first["users"]["staff"]
    assert staff.full_name == "张丽" and staff.check_password("demo12345")
    assert staff.roles.staff_station_ids == {station.pk}
    assert first["users"]["admin"].is_superuser
    assert Department.objects.filter(name="南湖区住房和城乡建设局").count() == 1
    assert Station.objects.filter(kind=StationKind.ONLINE).count() == 2
    assert Station.objects.filter(name__contains="铁路").exists()
    assert station.children.count() >= 2


def test_it_scales_up(db):
    added = demo.scale(200)
    assert added >= 200
    assert demo.scale(200) == 0
