"""The case endpoints: filters, the public timeline, ETags, personal data, pagination."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from petitions import services as petition_services
from petitions.choices import Status
from petitions.models import Petition
from tests.petitions.factories import category, make_petition

from .support import KeyClient, make_key, pii_in

LIST = "/api/v1/cases/"


def _ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_filters(world):
    a = make_petition(world, Status.SUBMITTED)
    b = make_petition(world, Status.TRIAGED, title="路面坑洼")
    c = make_petition(world, Status.SUBMITTED, station=world.room_a1, title="社区照明")
    Petition.objects.filter(pk=a.pk).update(submitted_at=timezone.now() - dt.timedelta(days=40))
    client = KeyClient(make_key(world)[1])
    assert set(_ids(client.get(LIST))) == {a.pk, b.pk, c.pk}
    assert _ids(client.get(LIST, {"status": "triaged"})) == [b.pk]
    assert set(_ids(client.get(LIST, {"station": world.room_a1.pk}))) == {c.pk}
    assert _ids(client.get(LIST, {"category": category().pk})) == [b.pk]
    assert set(_ids(client.get(LIST, {"region": world.street_s1.pk}))) == {a.pk, b.pk, c.pk}
    assert _ids(client.get(LIST, {"region": world.street_s2.pk})) == []
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert set(_ids(client.get(LIST, {"date_from": since}))) == {b.pk, c.pk}
    assert _ids(client.get(LIST, {"date_to": since})) == [a.pk]
    assert client.get(LIST, {"status": "nonsense"}).status_code == 400


def test_the_timeline_is_the_public_one(world):
    p = make_petition(world, Status.SUBMITTED)
    petition_services.petition_accept(
        actor=world.user("staff"),
        petition=p,
        note="内部：先联系社区主任",
        public_note="您的意见已受理，我们会尽快处理。",
    )
    client = KeyClient(make_key(world)[1])
    body = client.get(reverse("api:case-detail", args=[p.pk])).json()
    steps = [(e["from_status"], e["to_status"]) for e in body["timeline"]]
    assert steps == [("", "submitted"), ("submitted", "accepted")]
    assert body["timeline"][1]["public_note"] == "您的意见已受理，我们会尽快处理。"
    assert "内部" not in str(body) and "note" not in body["timeline"][1]


def test_etag_answers_304_until_the_case_changes(world):
    p = make_petition(world, Status.SUBMITTED)
    client = KeyClient(make_key(world)[1])
    url = reverse("api:case-detail", args=[p.pk])
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    petition_services.petition_accept(actor=world.user("staff"), petition=p)
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_personal_data_is_masked_without_the_right(world):
    p = make_petition(
        world, Status.SUBMITTED, content="我的电话13812345678，身份证330402199001011234"
    )
    masked = KeyClient(make_key(world)[1]).get(reverse("api:case-detail", args=[p.pk])).json()
    assert masked["phone"] == "138****5678"
    assert masked["constituent_name"] == "王*"
    assert "13812345678" not in masked["content"] and "138****5678" in masked["content"]
    _i, key = make_key(world, pii=True, name="有权限")
    full = KeyClient(key, pii=True).get(reverse("api:case-detail", args=[p.pk])).json()
    assert full["phone"] == "13812345678" and full["constituent_name"] == "王芳"
    assert pii_in(full["content"]) == ["13812345678", "330402199001011234"]


def test_the_list_pages_with_a_cursor(world):
    made = [make_petition(world, Status.SUBMITTED, title=f"第{i}件") for i in range(3)]
    client = KeyClient(make_key(world)[1])
    first = client.get(LIST, {"page_size": 2}).json()
    assert [r["id"] for r in first["results"]] == [made[2].pk, made[1].pk]
    second = client.get(first["next"]).json()
    assert [r["id"] for r in second["results"]] == [made[0].pk] and second["next"] is None


def test_the_list_does_not_grow_queries_with_rows(world, django_assert_max_num_queries):
    for i in range(6):
        make_petition(world, Status.SUBMITTED, title=f"第{i}件")
    client = KeyClient(make_key(world)[1])
    client.get(LIST)  # warm the per-process caches
    with django_assert_max_num_queries(8):
        assert len(_ids(client.get(LIST))) == 6


def test_dashboard_figures(world):
    make_petition(world, Status.SUBMITTED)
    make_petition(world, Status.ACCEPTED, title="第二件")
    from reports import rollups

    rollups.apply_new_events()  # the dashboard reads the rollups, as on the page
    client = KeyClient(make_key(world)[1])
    body = client.get(reverse("api:dashboard"), {"region": world.district_x.pk}).json()
    assert body["region"]["name"] == "南湖区"
    assert body["figures"]["collected"] == 2
    assert body["figures"]["accepted"] == 1
    assert client.get(reverse("api:dashboard"), {"region": "x"}).status_code == 400
    bad = client.get(
        reverse("api:dashboard"),
        {"region": world.district_x.pk, "date_from": "2026-05-01", "date_to": "2026-01-01"},
    )
    assert bad.status_code == 400


def test_deputies_show_public_fields_only(world):
    client = KeyClient(make_key(world)[1])
    body = client.get(reverse("api:deputy-detail", args=[world.deputy_dave.pk])).json()
    assert body["name"] == "戴伟" and "phone" not in body
    assert body["station_ids"] == [world.station_a.pk]
