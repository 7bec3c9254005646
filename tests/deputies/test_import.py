import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.excel import xlsx_bytes
from deputies import importing
from deputies.models import Deputy
from tests import factories as f

pytestmark = pytest.mark.usefixtures("registry_env")

URL = reverse("deputies:import")
HEADERS = [
    "Name",
    "Gender",
    "Ethnicity",
    "Level",
    "Term",
    "Constituency",
    "Occupation",
    "Sector",
    "Mobile phone",
    "Primary station",
    "Start date",
]
STATION = "新兴街道人大代表联络站"


def _row(name="张三", gender="男", level="县区", phone="13700000001", station=STATION, **kw):
    row = [
        name,
        gender,
        "汉族",
        level,
        kw.get("term", 9),
        "新兴街道第1选区",
        "教师",
        "教育",
        phone,
        station,
        kw.get("start", "2024-01-01"),
    ]
    return row


def _xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    return SimpleUploadedFile("deputies.xlsx", xlsx_bytes(headers, rows))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _token(body: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', body).group(1)


def test_it_previews_then_imports_on_confirm(as_role, world):
    client = as_role("staff")
    rows = [_row(), _row(name="李娜", gender="F", level="乡镇", phone="13700000002")]
    response = client.post(URL, {"file": _xlsx(rows)})
    body = response.content.decode()
    assert "All 2 rows are correct" in body and "李娜" in body
    assert not Deputy.objects.filter(name="李娜").exists()  # a dry run only

    response = client.post(URL, {"token": _token(body)}, follow=True)
    assert "2 deputies imported" in response.content.decode()
    lina = Deputy.objects.get(name="李娜")
    assert lina.name_initials == "ln" and lina.level == "township" and lina.gender == "F"
    assert lina.assignments.get().station == world.station_a
    # The search works on imported rows: their pinyin was computed before bulk_create.
    assert "李娜" in client.get(reverse("deputies:list"), {"q": "lina"}).content.decode()


def test_it_lists_every_bad_row_and_imports_nothing(as_role, world):
    rows = [
        _row(),
        _row(name="王五", station="不存在的联络站", phone="13700000003"),
        _row(
            name="赵六",
            phone="12345",
        ),
        _row(name="钱七", level="外星", phone="13700000004"),
        _row(name="", phone="13700000005"),
        _row(name="孙八", station="新城街道人大代表联络站", phone="13700000006"),
    ]
    response = as_role("staff").post(URL, {"file": _xlsx(rows)})
    body = response.content.decode()
    assert "5 rows need fixing; nothing was imported" in body
    errors = dict(re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", body))
    assert set(errors) == {"3", "4", "5", "6", "7"}
    assert "unknown station" in errors["3"]
    assert "11-digit mobile number" in errors["4"]
    assert "unknown level" in errors["5"]
    assert "the name is missing" in errors["6"]
    assert "unknown station" in errors["7"]  # station B is not the staff's to edit
    assert 'name="token"' not in body
    assert not Deputy.objects.filter(name="张三").exists()


def test_the_import_is_all_or_nothing_when_data_changed_after_the_preview(as_role, world):
    client = as_role("staff")
    rows = [_row(), _row(name="李娜", phone="13700000002")]
    token = _token(client.post(URL, {"file": _xlsx(rows)}).content.decode())
    f.DeputyFactory(name="先来的", phone="13700000002")
    body = client.post(URL, {"token": token}).content.decode()
    assert "Nothing was imported" in body and "already registered" in body
    assert not Deputy.objects.filter(name="张三").exists()


def test_it_refuses_a_forged_token(as_role, world):
    response = as_role("staff").post(URL, {"token": "forged"}, follow=True)
    assert "expired" in response.content.decode()


def test_it_refuses_a_file_that_is_not_the_template(as_role, world):
    bad = SimpleUploadedFile("deputies.xlsx", xlsx_bytes(["foo", "bar"], [["1", "2"]]))
    body = as_role("staff").post(URL, {"file": bad}).content.decode()
    assert "header row" in body


def test_the_template_has_the_columns_and_imports_as_is(as_role, world):
    client = as_role("admin")
    content = client.get(reverse("deputies:import_template")).content
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    report = importing.check(io.BytesIO(content), world.user("admin"))
    assert report.ok and len(report.valid) == 1


def test_it_reads_chinese_headers_too(world):
    from django.utils import translation

    with translation.override("zh-hans"):
        headers = importing.headers()
    upload = io.BytesIO(xlsx_bytes(headers, [_row()]))
    assert importing.check(upload, world.user("admin")).ok


def test_it_imports_a_thousand_rows_in_one_go(world):
    # Speed at 10,000 rows is a benchmark's business (bench/), not a unit test's.
    rows = [_row(name=f"代表{i}", phone=f"137{i:08d}") for i in range(1_000)]
    upload = io.BytesIO(xlsx_bytes(HEADERS, rows))
    report = importing.deputy_import(actor=world.user("clerk"), upload=upload)
    assert report.ok, report.errors[:3]
    assert Deputy.objects.filter(phone__startswith="137").count() == 1_000


def _export(client) -> dict:
    response = client.get(reverse("deputies:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return {row[0]: row[8] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_export_masks_phones_the_user_may_not_see(as_role, world):
    from deputies.models import StationAssignment

    # 裴佳 once sat at station A2: its staff still find her, but her phone is not theirs to see.
    StationAssignment.objects.create(
        deputy=world.deputy_peggy,
        station=world.station_a2,
        is_primary=False,
        start_date="2020-01-01",
        end_date="2021-12-31",
    )
    assert _export(as_role("other_staff")) == {"裴佳": "139****9000"}
    assert _export(as_role("staff")) == {"戴伟": "13800138000"}
    assert _export(as_role("city_clerk")) == {"戴伟": "13800138000", "裴佳": "13900139000"}


def test_each_full_phone_in_the_export_leaves_an_audit_row_masked_ones_none(as_role, world):
    from django.contrib.contenttypes.models import ContentType

    from core.models import PersonalDataReveal, RevealReason
    from deputies.models import Deputy

    assert _export(as_role("far_staff")) == {"裴佳": "13900139000"}  # her station's staff
    rows = list(PersonalDataReveal.objects.all())
    assert [(r.user, r.subject_id, r.field, r.reason) for r in rows] == [
        (world.user("far_staff"), world.deputy_peggy.pk, "phone", RevealReason.EXPORT)
    ]
    assert rows[0].subject_type == ContentType.objects.get_for_model(Deputy)
    _export(as_role("city_clerk"))
    assert set(
        PersonalDataReveal.objects.filter(user=world.user("city_clerk")).values_list(
            "subject_id", flat=True
        )
    ) == {world.deputy_dave.pk, world.deputy_peggy.pk}


def test_an_export_with_masked_phones_only_records_nothing(as_role, world):
    from core.models import PersonalDataReveal
    from deputies.models import StationAssignment

    StationAssignment.objects.create(
        deputy=world.deputy_peggy,
        station=world.station_a2,
        is_primary=False,
        start_date="2020-01-01",
        end_date="2021-12-31",
    )
    assert _export(as_role("other_staff")) == {"裴佳": "139****9000"}
    assert not PersonalDataReveal.objects.exists()


def test_export_is_not_a_reason_anyone_can_choose_when_showing_a_number(as_role, world):
    from core.models import PersonalDataReveal

    client = as_role("staff")
    page = client.get(world.deputy_dave.get_absolute_url()).content.decode()
    assert 'value="export"' not in page
    client.post(f"/deputies/{world.deputy_dave.pk}/phone/", {"reason": "export"})
    assert not PersonalDataReveal.objects.exists()
