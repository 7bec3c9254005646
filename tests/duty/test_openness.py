"""五公开: the station's public page and poster show deputies, rules, plan and results, and
nothing typed by staff that is not declared public."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from duty import openness
from duty.choices import ActivityKind, ActivityStatus
from duty.models import ActivityFile, PlanItem, StationRule
from petitions.choices import Status
from tests.images import picture
from tests.reports.ledger_support import at, petition

from .support import activity

TODAY = timezone.localdate()


def test_staff_start_from_the_twelve_standard_rules_and_edit_them(world):
    assert openness.station_rules_start(actor=world.user("staff"), station=world.station_a) == 12
    assert openness.station_rules_start(actor=world.user("staff"), station=world.station_a) == 0
    rule = openness.station_rule_add(
        actor=world.user("staff"), station=world.station_a, text="代表接待“不见不散”制度"
    )
    assert rule.order == 13
    openness.station_rule_delete(actor=world.user("staff"), rule=StationRule.objects.first())
    assert world.station_a.open_rules.count() == 12


def test_other_stations_may_not_change_the_lists(world):
    for role in ("other_staff", "far_staff", "other_clerk", "deputy"):
        with pytest.raises(PermissionDenied):
            openness.station_rule_add(actor=world.user(role), station=world.station_a, text="x")


def test_the_public_page_shows_the_five_and_hides_internal_notes(world, client):
    openness.station_rule_add(actor=world.user("staff"), station=world.station_a, text="首问负责制")
    item = openness.plan_item_add(
        actor=world.user("staff"),
        station=world.station_a,
        date=TODAY,
        title="一季一主题:加装电梯",
        note="联系住建局王科长 13800001111",
    )
    openness.plan_item_complete(actor=world.user("staff"), item=item)
    openness.plan_item_add(
        actor=world.user("staff"), station=world.station_a, date=TODAY, title="代表述职"
    )
    petition(world, status=Status.CLOSED, closed_at=at(TODAY), submitted=at(TODAY))
    petition(world, submitted=at(TODAY))
    story = activity(
        world,
        ActivityKind.STORY,
        TODAY,
        title="电梯装好了",
        body="六层老楼装上了电梯。",
        wants_publication=True,
        is_published=True,
    )
    photo = ActivityFile(activity=story, original_name="a.png", content_type="image/png", size=1)
    photo.file.save("a.png", ContentFile(picture()), save=False)
    photo.save()
    activity(world, ActivityKind.STORY, TODAY, title="草稿故事", status=ActivityStatus.SUBMITTED)

    page = client.get(reverse("stations:public", args=[world.station_a.public_code]))
    html = page.content.decode()
    assert "戴伟" in html and "首问负责制" in html
    assert "一季一主题:加装电梯" in html and "1 of 2 done" in html
    assert "2 opinions accepted, 1 cases closed." in html
    assert "电梯装好了" in html and "六层老楼装上了电梯。" in html
    assert "草稿故事" not in html
    assert "王科长" not in html and "13800001111" not in html
    assert client.get(reverse("duty:story_photo", args=[photo.pk])).status_code == 200


def test_an_unpublished_storys_photo_is_not_public(world, client):
    story = activity(world, ActivityKind.STORY, TODAY, wants_publication=True)
    photo = ActivityFile(activity=story, original_name="a.png", content_type="image/png", size=1)
    photo.file.save("a.png", ContentFile(picture()), save=False)
    photo.save()
    assert client.get(reverse("duty:story_photo", args=[photo.pk])).status_code == 404


def test_the_poster_prints_on_a3_or_a4(world, client):
    openness.station_rules_start(actor=world.user("staff"), station=world.station_a)
    url = reverse("duty:poster", args=[world.station_a.public_code])
    a3 = client.get(url).content.decode()
    assert a3.count("data-open-rule") == 12
    assert "duty-a4.css" not in a3
    assert "duty-a4.css" in client.get(url + "?size=a4").content.decode()


def test_the_manage_page_keeps_a_bad_plan_item(world, as_role):
    response = as_role("staff").post(
        reverse("duty:plan_add", args=[world.station_a.pk]), {"title": "代表进站接待", "date": ""}
    )
    assert response.status_code == 400
    assert "代表进站接待" in response.content.decode()
    assert not PlanItem.objects.exists()
    ok = as_role("staff").post(
        reverse("duty:plan_add", args=[world.station_a.pk]),
        {"title": "代表进站接待", "date": dt.date(TODAY.year, 6, 20).isoformat()},
    )
    assert ok.status_code == 302
    assert PlanItem.objects.get().year == TODAY.year


def test_staff_remove_a_plan_item_and_undo_done(world, as_role):
    item = openness.plan_item_add(
        actor=world.user("staff"), station=world.station_a, date=TODAY, title="代表述职"
    )
    client = as_role("staff")
    client.post(reverse("duty:plan_done", args=[item.pk]), {"done": "1"})
    item.refresh_from_db()
    assert item.done_on == TODAY
    client.post(reverse("duty:plan_done", args=[item.pk]), {"done": "0"})
    item.refresh_from_db()
    assert item.done_on is None
    client.post(reverse("duty:plan_delete", args=[item.pk]))
    assert not PlanItem.objects.exists()
