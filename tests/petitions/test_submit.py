"""petition_submit: intake, idempotency, PII handling, notices on commit."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import OutboxMessage
from petitions.choices import Channel, Status
from petitions.models import Petition, PetitionEvent
from petitions.services import petition_submit
from petitions.submission import Submission

VALID_ID = "11010519491231002X"


def _submit(world, **kw):
    data = dict(
        actor=None,
        station=world.station_a,
        channel=Channel.STATION_QR,
        title="路灯不亮",
        content="小区门口路灯坏了一个月",
        constituent_name="王芳",
        phone="13812345678",
        consent=True,
    )
    data.update(kw)
    return petition_submit(actor=data.pop("actor"), submission=Submission(**data))


def test_it_records_a_constituent_petition_with_first_event(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        p = _submit(world, deputy=world.deputy_dave)
    assert p.status == Status.SUBMITTED
    event = PetitionEvent.objects.get(petition=p)
    assert (event.from_status, event.to_status, event.actor_label) == (
        "",
        "submitted",
        "constituent",
    )
    assert callbacks
    sms = OutboxMessage.objects.get(dedupe_key=f"petition:{p.pk}:submitted:sms")
    assert sms.address == "13812345678"
    assert p.tracking_code[:4] in sms.subject
    notified = set(
        OutboxMessage.objects.filter(channel="in_app").values_list("user__username", flat=True)
    )
    assert {"staff", "deputy"} <= notified


def test_it_returns_the_existing_petition_for_a_reused_idempotency_key(world):
    first = _submit(world, idempotency_key="k-1")
    second = _submit(world, idempotency_key="k-1", title="另一个")
    assert first.pk == second.pk
    assert Petition.objects.count() == 1


def test_it_stores_only_a_hash_and_last_four_of_the_id_number(world):
    p = _submit(world, id_number=VALID_ID)
    assert p.id_last4 == "002X"
    assert VALID_ID not in p.id_hash and len(p.id_hash) == 64


def test_it_refuses_a_bad_id_number(world):
    with pytest.raises(ValidationError):
        _submit(world, id_number="110105194912310021")
    assert not Petition.objects.exists()


def test_it_refuses_anonymity_on_a_channel_that_needs_a_name(world):
    with pytest.raises(ValidationError):
        _submit(world, channel=Channel.RECEPTION, is_anonymous=True, actor=world.user("staff"))
    p = _submit(world, is_anonymous=True)
    assert p.is_anonymous and p.phone == "" and p.constituent_name == ""


def test_it_refuses_staff_of_another_station(world):
    with pytest.raises(PermissionDenied):
        _submit(world, actor=world.user("far_staff"), channel=Channel.PHONE)


def test_it_never_logs_the_phone_or_id_number(world, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(world, id_number=VALID_ID)
    assert "13812345678" not in caplog.text
    assert VALID_ID not in caplog.text
