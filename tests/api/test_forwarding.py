"""Forwarding to an external platform (基层治理四平台), with the fake platform on loopback."""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse
from django.utils import translation

from api import services, webhooks
from api.fake_platform import FakePlatform
from api.models import Adapter, ExternalPlatform, Forwarding, ForwardState
from petitions import services as petition_services
from petitions.choices import FeedbackMethod, Status
from petitions.models import Petition, PetitionEvent
from tests.petitions.factories import make_petition, rate_as_constituent

SECRET = "platform-secret"


@pytest.fixture
def fake():
    with FakePlatform() as platform:
        yield platform


def _platform(world, fake, adapter=Adapter.GENERIC_JSON):
    platform = ExternalPlatform.objects.create(
        name="南湖区基层治理四平台",
        adapter=adapter,
        url=fake.url,
        secret=SECRET,
        region=world.district_x,
    )
    return services.platform_setup(platform=platform)


def _forward(world, fake, adapter=Adapter.GENERIC_JSON, client=None):
    platform = _platform(world, fake, adapter)
    p = make_petition(world, Status.TRIAGED, content="电话13812345678，路灯坏了")
    if client is None:
        return services.case_forward(actor=world.user("staff"), petition=p, platform=platform)
    client.force_login(world.user("staff"))
    response = client.post(reverse("integrations:forward", args=[p.pk]), {"platform": platform.pk})
    assert response.status_code == 302
    return Forwarding.objects.get(petition=p)


def _control(fake, external_id, **state):
    import urllib.request

    request = urllib.request.Request(
        f"{fake.url}/_control/{external_id}",
        data=json.dumps(state).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request).close()


def test_round_trip_forward_reply_feedback_rating_closed(world, fake, client):
    f = _forward(world, fake, client=client)
    p = Petition.objects.get(pk=f.petition_id)
    assert f.external_id.startswith("FP-") and p.status == Status.ASSIGNED
    assert f.external_id in fake.cases
    assert p.lead_department == f.platform.department and p.deadline is not None
    sent = fake.received[0]["data"]
    assert "13812345678" not in json.dumps(sent, ensure_ascii=False) and "王芳" not in str(sent)
    _control(fake, f.external_id, state="replied", reply="已派网格员修复路灯。")
    assert services.forwardings_poll() == 1
    p.refresh_from_db()
    assert p.status == Status.REPLIED and p.reply_summary == "已派网格员修复路灯。"
    assert services.forwardings_poll() == 0  # nothing moves twice
    p = petition_services.petition_give_feedback(
        actor=world.user("staff"), petition=p, method=FeedbackMethod.PHONE
    )
    p = rate_as_constituent(p, "satisfied")
    assert p.status == Status.CLOSED
    steps = list(PetitionEvent.objects.filter(petition=p).values_list("to_status", flat=True))
    assert steps == [
        "submitted",
        "accepted",
        "triaged",
        "assigned",
        "handling",
        "replied",
        "feedback_given",
        "closed",
    ]
    handler_steps = PetitionEvent.objects.filter(petition=p, actor=f.platform.user)
    assert sorted(handler_steps.values_list("to_status", flat=True)) == ["handling", "replied"]


def test_returned_maps_to_the_loops_return(world, fake):
    f = _forward(world, fake)
    _control(fake, f.external_id, state="returned", reason="不属于本平台职责")
    services.forwardings_poll()
    p = Petition.objects.get(pk=f.petition_id)
    assert p.status == Status.TRIAGED and p.lead_department is None
    last = PetitionEvent.objects.filter(petition=p).last()
    assert (last.from_status, last.to_status) == ("assigned", "triaged")
    assert "不属于本平台职责" in last.note + last.public_note
    f.refresh_from_db()
    assert f.state == ForwardState.RETURNED


def test_open311_adapter(world, fake):
    f = _forward(world, fake, adapter=Adapter.OPEN311)
    assert fake.received[0]["path"] == "/requests.json"
    _control(fake, f.external_id, state="accepted")
    services.forwardings_poll()
    assert Petition.objects.get(pk=f.petition_id).status == Status.HANDLING
    _control(fake, f.external_id, state="replied", reply="已处理")
    services.forwardings_poll()
    p = Petition.objects.get(pk=f.petition_id)
    assert p.status == Status.REPLIED and p.reply_summary == "已处理"


def _signed(client, platform, payload, *, secret=SECRET, skew=0):
    body = json.dumps(payload).encode()
    ts = str(int(time.time()) - skew)
    return client.post(
        reverse("api:platform-inbound", args=[platform.pk]),
        body,
        content_type="application/json",
        HTTP_X_LIAISON_TIMESTAMP=ts,
        HTTP_X_LIAISON_SIGNATURE=webhooks.sign(secret, ts, body),
    )


def test_the_inbound_webhook_checks_the_signature(world, fake, client):
    f = _forward(world, fake)
    payload = {"external_id": f.external_id, "state": "replied", "reply": "已修复"}
    assert _signed(client, f.platform, payload, secret="wrong").status_code == 404
    assert _signed(client, f.platform, payload, skew=3600).status_code == 404
    assert Petition.objects.get(pk=f.petition_id).status == Status.ASSIGNED
    assert _signed(client, f.platform, payload).status_code == 200
    assert Petition.objects.get(pk=f.petition_id).status == Status.REPLIED
    unknown = {"external_id": "nope", "state": "replied"}
    assert _signed(client, f.platform, unknown).status_code == 404


def test_an_unreachable_platform_saves_nothing(world, client):
    platform = ExternalPlatform.objects.create(
        name="断线平台", url="http://127.0.0.1:9", secret=SECRET, region=world.district_x
    )
    platform = services.platform_setup(platform=platform)
    p = make_petition(world, Status.TRIAGED)
    client.force_login(world.user("staff"))
    with translation.override("en"):
        response = client.post(
            reverse("integrations:forward", args=[p.pk]), {"platform": platform.pk}
        )
    assert response.status_code == 200 and "断线平台" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.TRIAGED and not Forwarding.objects.exists()
