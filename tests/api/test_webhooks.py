"""Webhooks: signed, retried with back-off, dead-lettered, in the order of each case's steps."""

from __future__ import annotations

import datetime as dt
import json

from django.utils import timezone

from api import webhooks
from api.models import Delivery, DeliveryStatus, Subscription, WebhookEvent
from petitions import services as petition_services
from petitions.choices import Channel, Status
from petitions.submission import Submission
from tests.petitions.factories import make_petition

from .receiver import Receiver
from .support import make_key

SECRET = "s3cret-for-tests"


def _subscribe(world, url, events=None, region=None):
    integration, _key = make_key(world, region)
    return Subscription.objects.create(
        integration=integration, url=url, secret=SECRET, events=events or WebhookEvent.values
    )


def _run_until_quiet(start, rounds=12):
    """Collect, then deliver repeatedly, moving the clock past each back-off."""
    webhooks.collect()
    now = start
    for _ in range(rounds):
        webhooks.deliver_due(now=now)
        now += dt.timedelta(hours=1)


def test_three_failures_then_one_accepted_delivery_in_order(world, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 1
    with Receiver([500, 503, 500]) as rx:
        _subscribe(world, rx.url)
        p = make_petition(world, Status.SUBMITTED)
        petition_services.petition_accept(actor=world.user("staff"), petition=p)
        _run_until_quiet(timezone.now())
    accepted = rx.accepted()
    events = [json.loads(c["body"])["event"] for c in accepted]
    assert events == ["case.created", "case.status_changed"]
    # The first delivery was tried 4 times with one idempotency key, accepted once.
    first_uid = accepted[0]["headers"]["X-Liaison-Delivery"]
    tries = [c for c in rx.calls if c["headers"]["X-Liaison-Delivery"] == first_uid]
    assert [c["status"] for c in tries] == [500, 503, 500, 200]
    assert len({c["headers"]["X-Liaison-Delivery"] for c in accepted}) == 2
    for call in rx.calls:
        h = call["headers"]
        assert webhooks.verify(
            SECRET, h["X-Liaison-Timestamp"], call["body"], h["X-Liaison-Signature"]
        )
        assert not webhooks.verify(
            "wrong", h["X-Liaison-Timestamp"], call["body"], h["X-Liaison-Signature"]
        )
    body = json.loads(accepted[1]["body"])
    assert body["case"] == {
        "id": p.pk,
        "status": "accepted",
        "from_status": "submitted",
        "to_status": "accepted",
        "station_id": world.station_a.pk,
        "url": f"/api/v1/cases/{p.pk}/",
    }
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.DELIVERED}


def test_back_off_doubles(world, settings):
    settings.WEBHOOK_BACKOFF_SECONDS = 30
    with Receiver([500, 500]) as rx:
        _subscribe(world, rx.url)
        make_petition(world, Status.SUBMITTED)
        webhooks.collect()
        now = timezone.now()
        webhooks.deliver_due(now=now)
        d = Delivery.objects.get()
        assert d.attempts == 1 and d.next_attempt_at == now + dt.timedelta(seconds=30)
        assert webhooks.deliver_due(now=now + dt.timedelta(seconds=29)) == 0
        webhooks.deliver_due(now=now + dt.timedelta(seconds=30))
        d.refresh_from_db()
        assert d.attempts == 2 and d.next_attempt_at == now + dt.timedelta(seconds=90)
    assert len(rx.calls) == 2


def test_dead_letters_can_be_resent_from_the_admin(world, settings, client):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_BACKOFF_SECONDS = 1
    with Receiver([500, 500]) as rx:
        _subscribe(world, rx.url, events=[WebhookEvent.CASE_CREATED])
        make_petition(world, Status.SUBMITTED)
        _run_until_quiet(timezone.now(), rounds=3)
        d = Delivery.objects.get()
        assert d.status == DeliveryStatus.DEAD and d.last_error == "HTTP 500"
        client.force_login(world.user("admin"))
        listing = client.get("/admin/api/delivery/?status__exact=dead")
        assert str(d.uid) in listing.content.decode()
        client.post(
            "/admin/api/delivery/",
            {"action": "resend_dead", "_selected_action": [d.pk]},
        )
        d.refresh_from_db()
        assert d.status == DeliveryStatus.PENDING
        webhooks.deliver_due()
        d.refresh_from_db()
    assert d.status == DeliveryStatus.DELIVERED
    assert [c["headers"]["X-Liaison-Delivery"] for c in rx.calls] == [str(d.uid)] * 3


def test_only_the_keys_region_and_chosen_events(world):
    with Receiver() as rx:
        _subscribe(world, rx.url, events=[WebhookEvent.REPLIED])
        make_petition(world, Status.REPLIED)
        petition_services.petition_submit(
            actor=world.user("far_staff"),
            submission=Submission(
                station=world.station_b, channel=Channel.PHONE, title="别区", content="别区的事"
            ),
        )
        _run_until_quiet(timezone.now(), rounds=2)
    assert [json.loads(c["body"])["event"] for c in rx.calls] == ["case.replied"]


def test_collecting_twice_writes_nothing_twice(world):
    _subscribe(world, "http://127.0.0.1:9/never")
    make_petition(world, Status.ACCEPTED)
    assert webhooks.collect() == 2
    webhooks.collect()
    assert Delivery.objects.count() == 2


def test_overdue_and_rated(world):
    from petitions.models import PetitionEvent

    step = PetitionEvent(kind="escalated", from_status="handling", to_status="handling")
    assert webhooks.events_of(step) == [WebhookEvent.OVERDUE]
    rated = PetitionEvent(
        from_status="feedback_given", to_status="closed", actor_label="constituent"
    )
    assert webhooks.events_of(rated) == [WebhookEvent.STATUS_CHANGED, WebhookEvent.RATED]
    closed_unrated = PetitionEvent(
        from_status="feedback_given", to_status="closed", actor_label="system"
    )
    assert webhooks.events_of(closed_unrated) == [WebhookEvent.STATUS_CHANGED]
