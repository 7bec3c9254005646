from django.urls import reverse

from stations.models import Department

from .. import factories as f

LIST = reverse("stations:department_list")
CREATE = reverse("stations:department_create")


def test_it_lists_departments_with_handler_counts(as_role, world):
    f.DepartmentHandlerFactory(department=world.department)
    response = as_role("clerk").get(LIST)
    rows = list(response.context["page"])
    assert [d.name for d in rows] == ["南湖区住建局"]
    assert rows[0].handler_count == 2


def test_it_shows_handlers_their_own_department(as_role, world):
    rows = list(as_role("handler").get(LIST).context["page"])
    assert [d.name for d in rows] == ["南湖区住建局"]


def test_it_searches_and_filters(as_role, world):
    f.DepartmentFactory(name="南湖区教育局", region=world.district_x, is_active=False)
    client = as_role("admin")
    assert [d.name for d in client.get(LIST, {"q": "教育"}).context["page"]] == ["南湖区教育局"]
    assert [d.name for d in client.get(LIST, {"active": "0"}).context["page"]] == ["南湖区教育局"]
    in_y = [d.name for d in client.get(LIST, {"region": world.district_y.pk}).context["page"]]
    assert in_y == ["秀洲区交通局"]


def test_it_shows_a_department(as_role, world):
    response = as_role("handler").get(
        reverse("stations:department_detail", args=[world.department.pk])
    )
    assert "南湖区住建局" in response.content.decode()
    assert (
        as_role("other_handler")
        .get(reverse("stations:department_detail", args=[world.department.pk]))
        .status_code
        == 404
    )


def test_it_creates_a_department_in_the_clerks_area(as_role, world):
    response = as_role("clerk").post(
        CREATE, {"name": "南湖区教育局", "region": world.district_x.pk, "is_active": "on"}
    )
    assert response.status_code == 302
    assert Department.objects.filter(name="南湖区教育局", region=world.district_x).exists()


def test_it_refuses_a_department_outside_the_area(as_role, world):
    response = as_role("clerk").post(
        CREATE, {"name": "秀洲区教育局", "region": world.district_y.pk, "is_active": "on"}
    )
    assert "region" in response.context["form"].errors
    assert not Department.objects.filter(name="秀洲区教育局").exists()


def test_it_refuses_a_duplicate_and_a_missing_name(as_role, world):
    client = as_role("admin")
    response = client.post(CREATE, {"name": "南湖区住建局", "region": world.district_x.pk})
    assert response.context["form"].errors
    response = client.post(CREATE, {"name": "", "region": world.district_x.pk})
    assert "name" in response.context["form"].errors
    assert Department.objects.filter(region=world.district_x).count() == 1


def test_it_edits_a_department(as_role, world):
    url = reverse("stations:department_edit", args=[world.department.pk])
    response = as_role("city_clerk").post(
        url,
        {
            "name": "南湖区住房和城乡建设局",
            "region": world.district_x.pk,
            "contact_person": "李科长",
            "contact_phone": "0573-1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    world.department.refresh_from_db()
    assert world.department.name == "南湖区住房和城乡建设局"


def test_it_does_not_let_handlers_edit(as_role, world):
    url = reverse("stations:department_edit", args=[world.department.pk])
    assert (
        as_role("handler").post(url, {"name": "x", "region": world.district_x.pk}).status_code
        == 404
    )
    world.department.refresh_from_db()
    assert world.department.name == "南湖区住建局"
