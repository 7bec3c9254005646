"""Webhooks: timeline steps of cases become signed HTTP calls to the integrations' URLs.

One collector reads the timeline the loop already writes (``PetitionEvent``, the petitions
app's own record) after a watermark and writes ``Delivery`` rows (an outbox): every step, from
any service, the deadline sweep's bulk inserts included, is seen in one place. It is nudged on
commit of every step (``api.signals``) and runs on beat every minute for whatever a lost
nudge left; the unique key (subscription, step, event) makes every run idempotent.

Each call carries ``X-Liaison-Event``, ``X-Liaison-Delivery`` (the idempotency key; a re-send
keeps it), ``X-Liaison-Timestamp`` and ``X-Liaison-Signature: sha256=<hex>``, the HMAC-SHA256
of ``"<timestamp>.<body>"`` with the subscription's secret. A failed call is retried after
``WEBHOOK_BACKOFF_SECONDS × 2^(attempts-1)``; after ``WEBHOOK_MAX_ATTEMPTS`` it is a dead
letter, listed and re-sendable in the admin. A case's deliveries go out in the order of its
steps: a delivery waits while an earlier one of the same case and subscription is not sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from petitions.choices import EventKind, Status
from petitions.models import PetitionEvent
from stations.paths import path_prefixes

from .models import Delivery, DeliveryStatus, Subscription, Watermark, WebhookEvent

log = logging.getLogger(__name__)

WATERMARK = "webhooks"
BATCH = 2000
# Steps committed out of id order (a long transaction) are still picked up: every run also
# re-reads the last few minutes; the unique key drops what was already collected.
OVERLAP = dt.timedelta(minutes=10)
CLAIM_STALE_AFTER = dt.timedelta(minutes=2)


def events_of(step: PetitionEvent) -> list[str]:
    """The webhook events one timeline step stands for."""
    out: list[str] = []
    moved = step.from_status != step.to_status
    if step.from_status == "" and step.to_status == Status.SUBMITTED:
        out.append(WebhookEvent.CASE_CREATED)
    elif moved:
        out.append(WebhookEvent.STATUS_CHANGED)
    if moved and step.to_status == Status.REPLIED:
        out.append(WebhookEvent.REPLIED)
    rated_by_constituent = (
        moved and step.from_status == Status.FEEDBACK_GIVEN and step.actor_label != "system"
    )
    if step.kind == EventKind.RATED or rated_by_constituent:
        out.append(WebhookEvent.RATED)
    if step.kind == EventKind.ESCALATED:
        out.append(WebhookEvent.OVERDUE)
    return out


def payload(step: PetitionEvent, event: str, uid: uuid.UUID) -> dict:
    """What the receiver is told: no personal data; it reads more through the API by id."""
    petition = step.petition
    return {
        "id": str(uid),
        "event": event,
        "occurred_at": step.created_at.isoformat(),
        "case": {
            "id": petition.pk,
            "status": petition.status,
            "from_status": step.from_status,
            "to_status": step.to_status,
            "station_id": petition.station_id,
            "url": f"/api/v1/cases/{petition.pk}/",
        },
    }


def _subscriptions_by_prefix() -> dict[str, list[Subscription]]:
    now = timezone.now()
    subs = (
        Subscription.objects.filter(is_active=True, integration__revoked_at__isnull=True)
        .filter(Q(integration__expires_at__isnull=True) | Q(integration__expires_at__gt=now))
        .select_related("integration__region")
    )
    by_path: dict[str, list[Subscription]] = {}
    for sub in subs:
        by_path.setdefault(sub.integration.region.path, []).append(sub)
    return by_path


def collect() -> int:
    """Turn new timeline steps into deliveries; returns the deliveries written."""
    by_path = _subscriptions_by_prefix()
    mark, _created = Watermark.objects.get_or_create(name=WATERMARK)
    rows_of = PetitionEvent.objects.select_related("petition__station__region").order_by("pk")
    fresh = list(rows_of.filter(pk__gt=mark.last_id)[:BATCH])
    recent = rows_of.filter(pk__lte=mark.last_id, created_at__gte=timezone.now() - OVERLAP)
    steps = [*recent[:BATCH], *fresh] if by_path else fresh
    rows: list[Delivery] = []
    last = mark.last_id
    for step in steps:
        last = max(last, step.pk)
        if not by_path:
            continue
        wanted = [
            sub
            for prefix in path_prefixes(step.petition.station.region.path)
            for sub in by_path.get(prefix, [])
        ]
        for event in events_of(step):
            for sub in wanted:
                if event in sub.events:
                    uid = uuid.uuid4()
                    rows.append(
                        Delivery(
                            uid=uid,
                            subscription=sub,
                            event=event,
                            source_event=step,
                            petition_id=step.petition_id,
                            occurred_at=step.created_at,
                            payload=payload(step, event, uid),
                        )
                    )
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        Watermark.objects.filter(pk=mark.pk, last_id__lt=last).update(last_id=last)
    return len(rows)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests): compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def _blocked(delivery: Delivery) -> bool:
    """An earlier delivery of the same case to the same subscription is not out yet."""
    return (
        Delivery.objects.filter(
            subscription_id=delivery.subscription_id,
            petition_id=delivery.petition_id,
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING],
        )
        .filter(
            Q(occurred_at__lt=delivery.occurred_at)
            | Q(occurred_at=delivery.occurred_at, pk__lt=delivery.pk)
        )
        .exists()
    )


def _claim(delivery_id: int, now: dt.datetime) -> Delivery | None:
    claimable = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER
    )
    got = Delivery.objects.filter(claimable, pk=delivery_id).update(
        status=DeliveryStatus.SENDING, claimed_at=now
    )
    if not got:
        return None
    return Delivery.objects.select_related("subscription").get(pk=delivery_id)


def _post(delivery: Delivery) -> tuple[bool, str]:
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "liaison-webhooks/1",
            "X-Liaison-Event": delivery.event,
            "X-Liaison-Delivery": str(delivery.uid),
            "X-Liaison-Timestamp": timestamp,
            "X-Liaison-Signature": sign(delivery.subscription.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as resp:
            return 200 <= resp.status < 300, f"HTTP {resp.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, type(exc).__name__


def deliver(delivery_id: int, now: dt.datetime | None = None) -> bool:
    """Send one delivery if it is due and not blocked by an earlier one; True if accepted."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return False
    if _blocked(delivery):
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.PENDING)
        return False
    ok, info = _post(delivery)
    attempts = delivery.attempts + 1
    if ok:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED, attempts=attempts, delivered_at=now, last_error=""
        )
        return True
    dead = attempts >= settings.WEBHOOK_MAX_ATTEMPTS
    backoff = dt.timedelta(seconds=settings.WEBHOOK_BACKOFF_SECONDS * 2 ** (attempts - 1))
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD if dead else DeliveryStatus.PENDING,
        attempts=attempts,
        next_attempt_at=now + backoff,
        last_error=info[:300],
    )
    log.info("webhook delivery %s failed (%s), attempt %s", delivery.pk, info, attempts)
    return False


def deliver_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send every due delivery, oldest step first (so a case's order holds); returns accepted."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(
            Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER)
        )
        .order_by("occurred_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(deliver(pk, now) for pk in ids)


def resend(deliveries: Iterable[Delivery]) -> int:
    """Put dead letters back in the queue (the admin action); they keep their idempotency key."""
    ids = [d.pk for d in deliveries]
    return Delivery.objects.filter(pk__in=ids, status=DeliveryStatus.DEAD).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
    )
