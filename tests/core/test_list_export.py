""" "Export this list" on the filtered list pages (core.listexport): the rows and columns the
page lists, its filter applied, personal data masked as on screen, large lists refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from duty.choices import ActivityKind, ActivityStatus
from petitions.choices import Status
from petitions.models import Reception
from suggestions.choices import Status as SuggestionStatus
from tests.duty.support import activity
from tests.projects.factories import make_cycle, propose
from tests.reports.ledger_support import petition
from tests.suggestions.factories import draft
from tests.ties.support import PAIR_PHONE, make_appointment, make_pair

pytestmark = pytest.mark.django_db


def _client(world, role: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(world.user(role))
    return client


def _export(client: Client, url: str, query: str = ""):
    """Open the list, follow its "Export this list" link, return (headers, rows, title)."""
    page = client.get(f"{url}?{query}" if query else url).content.decode()
    link = (f"{url}?{query}&export=xlsx" if query else f"{url}?export=xlsx").replace("&", "&amp;")
    assert f'href="{link}"' in page, "the list offers its export with its own filter"
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = list(ws.iter_rows(values_only=True))
    return list(values[1]), [list(r) for r in values[2:]], values[0][0]


def test_the_overdue_list_exports_its_region_with_the_content(world):
    petition(
        world,
        title="路灯坏了",
        status=Status.ASSIGNED,
        content="新兴路路灯不亮",
        deadline=dt.date(2026, 1, 5),
        lead_department=world.department,
        assigned_at=timezone.now(),
    )
    headers, rows, title = _export(
        _client(world, "clerk"), reverse("reports:overdue"), f"region={world.district_x.pk}"
    )
    assert headers[:2] == ["诉求", "查询码"] and headers[-1] == "内容"
    assert [r[0] for r in rows] == ["路灯坏了"]
    assert rows[0][-1] == "新兴路路灯不亮" and rows[0][4] == dt.datetime(2026, 1, 5)
    assert title == "超期诉求 · 区域: 南湖区"


def test_the_receptions_list_exports_what_the_user_may_see(world):
    Reception.objects.create(
        station=world.station_a, held_at=dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC), topic="停车难"
    )
    Reception.objects.create(
        station=world.station_b, held_at=dt.datetime(2026, 3, 21, 9, tzinfo=dt.UTC), topic="别的区"
    )
    headers, rows, _title = _export(_client(world, "staff"), reverse("petitions:reception_list"))
    assert "备注" in headers
    assert [r[3] for r in rows] == ["停车难"]
    assert rows[0][0] == dt.datetime(2026, 3, 20, 17, 0)  # local time, a real date-time


def test_the_suggestions_list_applies_its_filter(world):
    draft(world, title="关于加装电梯的建议")
    headers, rows, title = _export(
        _client(world, "deputy"), reverse("suggestions:list"), f"status={SuggestionStatus.DRAFT}"
    )
    assert [r[1] for r in rows] == ["关于加装电梯的建议"]
    assert rows[0][-2] == "老旧小区六层无电梯，老人上下楼困难。"  # the reasons, a content column
    assert title == "代表建议 · 状态: 起草中"
    # Another filter, another list: nothing registered yet.
    client = _client(world, "deputy")
    url = reverse("suggestions:list") + f"?status={SuggestionStatus.REGISTERED}&export=xlsx"
    ws = load_workbook(io.BytesIO(client.get(url).content)).worksheets[0]
    assert ws.max_row == 2  # title and header only


def test_the_pairs_export_masks_the_phone_as_the_page_does(world):
    make_pair(world)
    headers, rows, _title = _export(_client(world, "staff"), reverse("ties:pairs"))
    assert rows[0][1] == "王秀英"
    assert rows[0][2] != PAIR_PHONE and rows[0][2].startswith(PAIR_PHONE[:3])
    assert PAIR_PHONE not in str(rows)


def test_the_appointments_export(world):
    make_appointment(world)
    headers, rows, _title = _export(_client(world, "staff"), reverse("ties:appointments"))
    assert [r[3] for r in rows] == ["想和代表谈谈小区停车难"]
    assert "13900001111" not in str(rows) and "李建国" not in str(rows)


def test_the_activities_export_follows_the_status_tab(world):
    activity(
        world, ActivityKind.RESEARCH, dt.date(2026, 3, 2), title="调研停车", body="走访三个小区"
    )
    activity(
        world,
        ActivityKind.TRAINING,
        dt.date(2026, 3, 3),
        status=ActivityStatus.SUBMITTED,
        title="培训",
    )
    headers, rows, title = _export(
        _client(world, "staff"), reverse("duty:activities"), f"status={ActivityStatus.APPROVED}"
    )
    assert [r[1] for r in rows] == ["调研停车"] and rows[0][6] == "走访三个小区"
    assert "活动内容" in headers


def test_the_candidates_export(world):
    cycle = make_cycle(world)
    propose(world, cycle, title="老旧小区加装电梯")
    headers, rows, _title = _export(
        _client(world, "clerk"), reverse("projects:cycle", args=[cycle.pk])
    )
    assert [r[0] for r in rows] == ["老旧小区加装电梯"]
    assert rows[0][5] == "为六层以上老旧住宅加装电梯。"


def test_a_list_too_long_is_refused_with_a_message(world, settings):
    settings.LEDGER_SYNC_MAX_ROWS = 1
    make_pair(world)
    make_pair(world, name="张三", phone="13700000000")
    client = _client(world, "staff")
    response = client.get(reverse("ties:pairs") + "?export=xlsx", follow=True)
    assert response.redirect_chain[-1][0] == reverse("ties:pairs")
    assert "此列表超过 1 行" in response.content.decode()
