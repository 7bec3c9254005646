"""Public progress notices: periods, PII-free snapshots, early publishing, the public page."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from petitions.choices import Status
from reports import notices
from reports.ledgers.models import ProgressNotice

from .ledger_support import at, petition


def test_it_cuts_the_year_into_two_month_periods(settings):
    assert notices.period_of(dt.date(2025, 4, 30)) == (dt.date(2025, 3, 1), dt.date(2025, 4, 30))
    assert notices.period_of(dt.date(2025, 12, 1)) == (dt.date(2025, 11, 1), dt.date(2025, 12, 31))
    assert notices.last_completed_period(dt.date(2025, 1, 5)) == (
        dt.date(2024, 11, 1),
        dt.date(2024, 12, 31),
    )
    settings.NOTICE_PERIOD_MONTHS = 3
    assert notices.period_of(dt.date(2025, 5, 2)) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))


def test_it_keeps_no_personal_data_in_the_snapshot(world):
    petition(
        world,
        title="王芳反映幸福小区路灯不亮",
        constituent_name="王芳",
        phone="13812345678",
        address="新兴街道幸福小区3幢",
        location_text="幸福小区北门",
        reply_summary="已联系王芳（13812345678），路灯已修复。",
        accepted_at=at(dt.date(2025, 3, 10)),
        replied_at=at(dt.date(2025, 3, 20)),
        status=Status.REPLIED,
        lead_department=world.department,
        deadline=dt.date(2025, 4, 1),
    )
    notice = notices.publish(
        world.station_a, dt.date(2025, 3, 1), dt.date(2025, 4, 30), today=dt.date(2025, 5, 1)
    )
    dumped = json.dumps(notice.items, ensure_ascii=False)
    for personal in ("王芳", "13812345678", "新兴街道幸福小区3幢", "幸福小区北门"):
        assert personal not in dumped
    item = notice.items[0]
    assert item["title"] == "王*反映幸福小区路灯不亮"
    assert "路灯已修复" in item["reply"]
    assert (item["status"], item["accepted_on"], item["replied_on"]) == (
        Status.REPLIED,
        "2025-03-10",
        "2025-03-20",
    )


def test_it_lists_only_opinions_accepted_in_the_period_at_the_station(world):
    petition(world, title="本期", accepted_at=at(dt.date(2025, 3, 10)))
    petition(world, title="上期", accepted_at=at(dt.date(2025, 2, 27)))
    petition(world, title="不予受理", accepted_at=at(dt.date(2025, 3, 11)), status=Status.DECLINED)
    petition(world, title="别的站", station=world.station_b, accepted_at=at(dt.date(2025, 3, 12)))
    items = notices.build_items(world.station_a, dt.date(2025, 3, 1), dt.date(2025, 4, 30))
    assert [i["title"] for i in items] == ["本期"]


def test_it_publishes_the_last_period_once(world):
    petition(world, title="本期", accepted_at=at(dt.date(2025, 3, 10)))
    assert notices.publish_due(dt.date(2025, 5, 2)) == 1
    assert notices.publish_due(dt.date(2025, 5, 3)) == 0  # idempotent
    notice = ProgressNotice.objects.get()
    assert (notice.station, notice.period_start, notice.period_end) == (
        world.station_a,
        dt.date(2025, 3, 1),
        dt.date(2025, 4, 30),
    )


def test_the_task_completes_a_notice_published_early(world):
    petition(world, title="早", accepted_at=at(dt.date(2025, 3, 10)))
    early = notices.publish(
        world.station_a, dt.date(2025, 3, 1), dt.date(2025, 4, 30), today=dt.date(2025, 3, 15)
    )
    ProgressNotice.objects.filter(pk=early.pk).update(published_at=at(dt.date(2025, 3, 15)))
    petition(world, title="晚", accepted_at=at(dt.date(2025, 4, 20)))
    assert notices.publish_due(dt.date(2025, 5, 1)) == 1
    early.refresh_from_db()
    assert [i["title"] for i in early.items] == ["早", "晚"]


def test_staff_preview_and_publish_early(world, as_role):
    petition(world, title="路灯不亮", accepted_at=timezone.now())
    client = as_role("staff")
    preview = client.get(reverse("ledgers:notice_preview", args=[world.station_a.pk]))
    assert "路灯不亮" in preview.content.decode() and "王芳" not in preview.content.decode()
    assert not ProgressNotice.objects.exists()  # a preview saves nothing

    response = client.post(reverse("ledgers:notice_publish", args=[world.station_a.pk]))
    assert response.status_code == 302
    notice = ProgressNotice.objects.get()
    assert notice.published_by == world.user("staff")
    assert notice.period_start == notices.period_of(timezone.localdate())[0]
    assert [i["title"] for i in notice.items] == ["路灯不亮"]


def test_the_public_page_needs_no_login(world):
    petition(world, title="路灯不亮", accepted_at=at(dt.date(2025, 3, 10)))
    notice = notices.publish(
        world.station_a, dt.date(2025, 3, 1), dt.date(2025, 4, 30), today=dt.date(2025, 5, 1)
    )
    url = reverse("ledgers:notice_public", args=[world.station_a.public_code, notice.pk])
    page = Client().get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "路灯不亮" in body and "王芳" not in body and "13812345678" not in body
    # The station code must match the notice.
    wrong = reverse("ledgers:notice_public", args=[world.station_b.public_code, notice.pk])
    assert Client().get(wrong).status_code == 404


def test_the_station_include_lists_published_notices(world):
    from django.template import Context, Template

    notice = notices.publish(
        world.station_a, dt.date(2025, 3, 1), dt.date(2025, 4, 30), today=dt.date(2025, 5, 1)
    )
    html = Template("{% load ledger_tags %}{% station_notices station %}").render(
        Context({"station": world.station_a})
    )
    assert reverse("ledgers:notice_public", args=[world.station_a.public_code, notice.pk]) in html


def test_the_notice_list_shows_only_notices_in_scope(world, as_role):
    notices.publish(
        world.station_a, dt.date(2025, 3, 1), dt.date(2025, 4, 30), today=dt.date(2025, 5, 1)
    )
    notices.publish(
        world.station_b, dt.date(2025, 3, 1), dt.date(2025, 4, 30), today=dt.date(2025, 5, 1)
    )
    body = as_role("clerk").get(reverse("ledgers:notice_list")).content.decode()
    assert world.station_a.name in body and world.station_b.name not in body
