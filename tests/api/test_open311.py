"""Open311 GeoReport v2 over the cases: services, requests (GET/POST), one request; scoped."""

from __future__ import annotations

from decimal import Decimal

from petitions.choices import Status
from petitions.models import Petition, PetitionEvent
from tests.petitions.factories import category, make_petition

from .support import KeyClient, make_key
from .test_scoping import _case_b

BASE = "/api/v1/open311"


def _writer(world):
    from api.models import Access

    return make_key(world, access=Access.READ_WRITE, name="FixMyStreet")[1]


def test_services_are_the_categories(world):
    c = category()
    body = KeyClient(make_key(world)[1]).get(f"{BASE}/services.json").json()
    assert body[0]["service_code"] == str(c.pk)
    assert body[0]["service_name"] in (c.name, c.name_en)


def test_requests_are_scoped_to_the_keys_region(world):
    a, b = make_petition(world, Status.REPLIED), _case_b(world)
    x = KeyClient(make_key(world)[1])
    rows = x.get(f"{BASE}/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [str(a.pk)]
    assert rows[0]["status"] == "open" and rows[0]["status_notes"] == a.reply_summary
    assert rows[0]["agency_responsible"] == "南湖区住建局"
    assert x.get(f"{BASE}/requests/{a.pk}.json").json()[0]["service_request_id"] == str(a.pk)
    assert x.get(f"{BASE}/requests/{b.pk}.json").status_code == 404
    y = KeyClient(make_key(world, world.district_y, name="Y")[1])
    assert [r["service_request_id"] for r in y.get(f"{BASE}/requests.json").json()] == [str(b.pk)]
    assert x.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert x.get(f"{BASE}/requests.json", {"start_date": "nonsense"}).status_code == 400


def test_post_a_request_with_the_key_as_a_parameter(world):
    world.station_a2.latitude, world.station_a2.longitude = Decimal("30.75"), Decimal("120.76")
    world.station_a2.save()
    key = _writer(world)
    response = KeyClient().post(
        f"{BASE}/requests.json",
        {
            "api_key": key,
            "service_code": category().pk,
            "description": "井盖丢失\n建设路口井盖不见了，很危险。",
            "lat": "30.751",
            "long": "120.759",
            "address_string": "建设路口",
            "first_name": "强",
            "last_name": "李",
            "phone": "13812345678",
            "consent": "true",
        },
    )
    assert response.status_code == 201, response.content
    p = Petition.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert p.station == world.station_a2 and p.title == "井盖丢失"
    assert p.constituent_name == "李强" and p.phone == "13812345678"
    assert "Via API (FixMyStreet)" in PetitionEvent.objects.get(petition=p).note


def test_post_without_consent_keeps_no_contact_data(world):
    response = KeyClient(_writer(world)).post(
        f"{BASE}/requests.json",
        {
            "service_code": category().pk,
            "description": "路灯不亮",
            "station_id": world.station_a.pk,
            "phone": "13812345678",
        },
    )
    assert response.status_code == 201
    p = Petition.objects.get()
    assert p.phone == "" and p.is_anonymous


def test_post_refuses_what_it_cannot_place(world):
    writer = KeyClient(_writer(world))
    far = writer.post(
        f"{BASE}/requests.json",
        {"service_code": category().pk, "description": "x", "station_id": world.station_b.pk},
    )
    assert far.status_code == 400 and far.json()[0]["code"] == 400
    nowhere = writer.post(
        f"{BASE}/requests.json", {"service_code": category().pk, "description": "x", "lat": "1"}
    )
    assert nowhere.status_code == 400
    assert (
        writer.post(
            f"{BASE}/requests.json", {"service_code": "999", "description": "x"}
        ).status_code
        == 400
    )
    read_only = KeyClient(make_key(world, name="只读")[1])
    assert read_only.post(f"{BASE}/requests.json", {"service_code": "1"}).status_code == 403
    assert not Petition.objects.exists()
