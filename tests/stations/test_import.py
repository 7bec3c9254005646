import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from stations.imports import headers, parse_stations
from stations.models import Station

IMPORT = reverse("stations:import")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def xlsx(rows: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(headers())
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("stations.xlsx", buffer.getvalue())


def good_rows() -> list[list]:
    return [
        [
            "东栅联络站",
            "home",
            "330402002",
            "",
            "东栅路1号",
            30.74,
            120.78,
            120,
            "每月20日",
            "0573-1",
            "是",
        ],
        ["东栅一室", "room", "330402002", "东栅联络站", "", "", "", "", "", "", ""],
        ["新兴二室", "room", 330402001, "新兴街道人大代表联络站", "", "", "", "60.5", "", "", "no"],
    ]


def bad_rows() -> list[list]:
    return [
        ["未知区域站", "home", "999999", "", "", "", "", "", "", "", ""],  # row 5
        ["", "home", "330402001", "", "", "", "", "", "", "", ""],  # row 6: no name
        ["错类型站", "castle", "330402001", "", "", "", "", "", "", "", ""],  # row 7
        ["新兴街道人大代表联络站", "home", "330402001", "", "", "", "", "", "", "", ""],  # row 8
        ["坏数字站", "home", "330402001", "", "", "北纬30", "", "-5", "", "", ""],  # row 9
        ["东栅联络站", "home", "330402002", "", "", "", "", "", "", "", ""],  # row 10: twice
    ]


def test_it_previews_every_bad_row_with_its_number(as_role, world):
    response = as_role("clerk").post(IMPORT, {"file": xlsx(good_rows() + bad_rows())})
    assert response.status_code == 200
    report = response.context["report"]
    assert len(report.valid) == 3
    errors = {e.row: e.message for e in report.errors}
    assert sorted(errors) == [5, 6, 7, 8, 9, 10]
    assert "999999" in errors[5]
    assert "name is missing" in errors[6]
    assert "castle" in errors[7]
    assert "already exists" in errors[8]
    assert "北纬30" in errors[9] and "-5" in errors[9]
    assert "twice" in errors[10] and "row 2" in errors[10]
    body = response.content.decode()
    assert "北纬30" in body and 'name="token"' not in body  # no confirm button
    assert not Station.objects.filter(name="东栅联络站").exists()


def test_it_imports_nothing_when_any_row_is_bad(as_role, world):
    client = as_role("admin")
    response = client.post(IMPORT, {"file": xlsx(good_rows() + bad_rows()[:1])})
    token = response.context["token"]
    count = Station.objects.count()
    response = client.post(IMPORT, {"token": token, "confirm": "1"})
    assert response.status_code == 200
    assert Station.objects.count() == count


def test_it_imports_everything_after_confirmation(as_role, world):
    client = as_role("clerk")
    preview = client.post(IMPORT, {"file": xlsx(good_rows())})
    assert preview.context["report"].ok
    assert Station.objects.filter(name="东栅联络站").count() == 0  # dry run saves nothing
    response = client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})
    assert response.status_code == 302
    home = Station.objects.get(name="东栅联络站")
    assert home.region == world.street_s2 and float(home.floor_area) == 120
    assert Station.objects.get(name="东栅一室").parent == home
    room = Station.objects.get(name="新兴二室")
    assert room.parent == world.station_a and room.is_active is False


def test_it_refuses_another_users_token(as_role, world, client):
    preview = as_role("clerk").post(IMPORT, {"file": xlsx(good_rows())})
    client.force_login(world.user("city_clerk"))
    response = client.post(IMPORT, {"token": preview.context["token"], "confirm": "1"})
    assert response.status_code == 302 and response.url == IMPORT
    assert not Station.objects.filter(name="东栅联络站").exists()


def test_it_refuses_regions_outside_the_clerks_area(as_role, world):
    rows = [["秀洲站", "home", "330411001", "", "", "", "", "", "", "", ""]]
    report = as_role("clerk").post(IMPORT, {"file": xlsx(rows)}).context["report"]
    assert "outside your area" in report.errors[0].message


def test_it_explains_a_file_that_is_not_the_template(as_role, world):
    upload = SimpleUploadedFile("x.xlsx", b"not a workbook")
    response = as_role("clerk").post(IMPORT, {"file": upload})
    assert "file" in response.context["form"].errors


def test_it_refuses_staff(as_role, world):
    assert as_role("staff").post(IMPORT, {"file": xlsx(good_rows())}).status_code == 403
    assert not Station.objects.filter(name="东栅联络站").exists()


def test_it_downloads_a_template(as_role):
    response = as_role("clerk").get(reverse("stations:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == headers()


def test_it_exports_visible_stations(as_role, world):
    response = as_role("staff").get(reverse("stations:export"))
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted([world.station_a.name, world.room_a1.name])


def test_export_round_trips_through_the_import_check(as_role, world):
    content = as_role("admin").get(reverse("stations:export")).content
    report = parse_stations(io.BytesIO(content), actor=world.user("admin"))
    # Every row is understood; they are only refused because they exist already.
    assert not report.valid
    assert all("already exists" in e.message for e in report.errors)


def test_it_imports_a_thousand_rows_in_one_go(world):
    # Speed at 10,000 rows is a benchmark's business (bench/), not a unit test's.
    from stations.imports import stations_import

    rows = [
        [f"站{i}", "point", "330402001", "", f"路{i}号", 30.7, 120.7, 60, "", "", ""]
        for i in range(1000)
    ]
    upload = xlsx(rows)
    report = stations_import(actor=world.user("admin"), upload=upload)
    assert report.ok and len(report.valid) == 1000
    assert Station.objects.filter(region=world.street_s1).count() == 1002
