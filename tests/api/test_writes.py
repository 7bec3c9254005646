"""Creating a case through the API: petition_submit, the key's region, the audit line."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from api.models import Access
from petitions.models import Petition, PetitionEvent

from .support import KeyClient, make_key

LIST = "/api/v1/cases/"


def _payload(world, **kw):
    data = {
        "station": world.station_a.pk,
        "title": "路灯不亮",
        "content": "幸福路口的路灯坏了一周。",
        "constituent_name": "李强",
        "phone": "138 1234 5678",
        "consent": True,
        "external_id": "GRID-2026-0001",
    }
    data.update(kw)
    return data


def _writer(world, **kw):
    return KeyClient(make_key(world, access=Access.READ_WRITE, name="网格平台", **kw)[1])


def test_it_records_the_case_with_an_audit_line(world, client):
    response = _writer(world).post_json(LIST, _payload(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["phone"] == "138****5678"
    assert response["Location"] == f"{LIST}{body['id']}/"
    petition = Petition.objects.get(pk=body["id"])
    assert petition.phone == "13812345678" and petition.consent_at is not None
    first = PetitionEvent.objects.get(petition=petition)
    assert first.actor is None and first.actor_label == "integration"
    with translation.override("en"):
        client.force_login(world.user("staff"))
        page = client.get(petition.get_absolute_url()).content.decode()
    assert "Via API (网格平台)" in page


def test_it_refuses_a_station_outside_the_keys_region(world):
    response = _writer(world).post_json(LIST, _payload(world, station=world.station_b.pk))
    assert response.status_code == 400 and "station" in response.json()
    assert not Petition.objects.exists()


def test_a_read_key_cannot_create(world):
    _i, key = make_key(world)
    assert KeyClient(key).post_json(LIST, _payload(world)).status_code == 403
    assert not Petition.objects.exists()


def test_the_same_external_id_records_one_case(world):
    writer = _writer(world)
    first = writer.post_json(LIST, _payload(world)).json()
    again = writer.post_json(LIST, _payload(world))
    assert again.status_code == 201 and again.json()["id"] == first["id"]
    assert Petition.objects.count() == 1


def test_contact_data_needs_consent(world):
    response = _writer(world).post_json(LIST, _payload(world, consent=False))
    assert response.status_code == 400 and "consent" in response.json()
    anonymous = _payload(
        world, consent=False, is_anonymous=True, phone="", constituent_name="", channel="online"
    )
    assert _writer(world).post_json(LIST, anonymous).status_code == 201


def test_bad_input_is_a_400_not_a_500(world):
    writer = _writer(world)
    assert writer.post_json(LIST, _payload(world, phone="abc")).status_code == 400
    assert (
        writer.post_json(LIST, _payload(world, id_number="330402199001011231")).status_code == 400
    )
    assert writer.post_json(LIST, _payload(world, title="   ")).status_code == 400
    anonymous_by_phone = _payload(world, is_anonymous=True, channel="phone")
    assert writer.post_json(LIST, anonymous_by_phone).status_code == 400
    assert not Petition.objects.exists()


def test_staff_create_with_their_session_at_their_own_station(world):
    client = KeyClient()
    client.force_login(world.user("staff"))
    ok = client.post_json(LIST, _payload(world, external_id=""))
    assert ok.status_code == 201
    event = PetitionEvent.objects.get(petition_id=ok.json()["id"])
    assert event.actor == world.user("staff") and event.note == ""
    far = client.post_json(LIST, _payload(world, station=world.station_b.pk))
    assert far.status_code == 400
    assert reverse("api:case-list") == LIST
