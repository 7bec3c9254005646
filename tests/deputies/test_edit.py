import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from deputies.models import Deputy

pytestmark = pytest.mark.usefixtures("registry_env")

CREATE = reverse("deputies:create")


def _data(world, **extra):
    data = {
        "station": world.station_a.pk,
        "start_date": "2024-03-01",
        "name": "张三",
        "gender": "M",
        "ethnicity": "汉族",
        "level": "district",
        "term": "9",
        "constituency": "新兴街道第3选区",
        "occupation": "社区书记",
        "sector": "基层干部",
        "phone": "138 0013 8111",
        "is_active": "on",
    }
    data.update(extra)
    return data


def _png(size_bytes: int = 0) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, "PNG")
    content = buffer.getvalue() + b"\0" * size_bytes
    return SimpleUploadedFile("photo.png", content, content_type="image/png")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_it_registers_a_deputy_at_the_staffs_station(as_role, world):
    response = as_role("staff").post(CREATE, _data(world, photo=_png()))
    deputy = Deputy.objects.get(name="张三")
    assert response.status_code == 302 and response.url == deputy.get_absolute_url()
    assert deputy.phone == "13800138111" and deputy.name_initials == "zs" and deputy.photo
    assignment = deputy.assignments.get()
    assert assignment.station == world.station_a and assignment.is_primary
    assert str(assignment.start_date) == "2024-03-01"


def test_it_offers_staff_only_their_own_stations(as_role, world):
    client = as_role("staff")
    body = client.get(CREATE).content.decode()
    # A type-ahead: the page lists no stations, the lookup offers the staff's own.
    assert 'data-typeahead="/stations/lookup/station/"' in body and "新兴社区联络室" not in body
    found = client.get(reverse("stations:lookup", args=["station"]), {"q": "xin"}).json()
    names = {row["text"] for row in found["results"]}
    assert names == {"新兴街道人大代表联络站", "新兴社区联络室"}


def test_it_refuses_another_station_for_staff(as_role, world):
    response = as_role("staff").post(CREATE, _data(world, station=world.station_b.pk))
    assert response.status_code == 200
    assert "That is not one of the names you may choose" in response.content.decode()
    assert not Deputy.objects.filter(name="张三").exists()


def test_it_keeps_the_input_and_explains_a_bad_phone(as_role, world):
    response = as_role("staff").post(CREATE, _data(world, phone="12345"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter an 11-digit mobile number" in body
    assert 'value="新兴街道第3选区"' in body and 'value="张三"' in body
    assert not Deputy.objects.filter(name="张三").exists()


def test_it_refuses_a_photo_over_2_mb_with_a_clear_error(as_role, world):
    response = as_role("staff").post(CREATE, _data(world, photo=_png(2 * 1024 * 1024 + 1)))
    body = response.content.decode()
    assert response.status_code == 200
    assert "the limit is 2 MB" in body
    assert 'value="张三"' in body
    assert not Deputy.objects.filter(name="张三").exists()


def test_it_refuses_a_file_that_is_not_an_image(as_role, world):
    bad = SimpleUploadedFile("photo.png", b"not an image", content_type="image/png")
    response = as_role("staff").post(CREATE, _data(world, photo=bad))
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Deputy.objects.filter(name="张三").exists()


def test_it_edits_a_deputy_and_recomputes_the_pinyin(as_role, world):
    dave = world.deputy_dave
    url = reverse("deputies:edit", args=[dave.pk])
    data = _data(world, name="戴维", phone="13900001234")
    del data["station"], data["start_date"]
    response = as_role("clerk").post(url, data)
    assert response.status_code == 302
    dave.refresh_from_db()
    assert dave.name == "戴维" and dave.phone == "13900001234" and dave.name_pinyin == "daiwei"


def test_it_keeps_the_input_when_an_edit_is_bad(as_role, world):
    dave = world.deputy_dave
    data = _data(world, name="戴维", phone="999")
    response = as_role("staff").post(reverse("deputies:edit", args=[dave.pk]), data)
    assert response.status_code == 200 and 'value="戴维"' in response.content.decode()
    dave.refresh_from_db()
    assert dave.name == "戴伟"


def test_it_hides_the_edit_page_from_staff_of_another_station(as_role, world):
    url = reverse("deputies:edit", args=[world.deputy_dave.pk])
    assert as_role("other_staff").get(url).status_code == 404
    assert as_role("deputy").get(url).status_code == 404


def test_it_replaces_the_photo_on_edit(as_role, world):
    dave = world.deputy_dave
    data = _data(world, name="戴伟", phone="13800138000", photo=_png())
    del data["station"], data["start_date"]
    assert as_role("staff").post(reverse("deputies:edit", args=[dave.pk]), data).status_code == 302
    dave.refresh_from_db()
    assert dave.photo and dave.photo.name.startswith("deputies/")
    body = as_role("staff").get(reverse("deputies:detail", args=[dave.pk])).content.decode()
    assert dave.photo.url in body
