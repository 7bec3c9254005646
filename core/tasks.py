"""Delivery of the notification outbox. Tasks take ids and are safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from .models import Channel, Notification, OutboxMessage, OutboxStatus
from .sms import get_sms_backend

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def deliver(message_id: int) -> bool:
    """Deliver one outbox message if still pending; returns True when it was sent now."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update()
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return False
        if message.channel == Channel.IN_APP:
            if message.user_id:
                Notification.objects.create(
                    user_id=message.user_id,
                    title=message.subject,
                    body=message.body,
                    url=message.url,
                )
        elif message.channel == Channel.EMAIL:
            link = f"\n\n{settings.PUBLIC_BASE_URL}{message.url}" if message.url else ""
            send_mail(message.subject, message.body + link, None, [message.address])
        elif message.channel == Channel.SMS:
            get_sms_backend().send(message.address, f"{message.subject} {message.body}".strip())
        message.status = OutboxStatus.SENT
        message.attempts += 1
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "attempts", "sent_at"])
    return True


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_ATTEMPTS)
def deliver_outbox_message(self, message_id: int) -> bool:
    try:
        return deliver(message_id)
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message_id).update(last_error=str(exc)[:500])
        if self.request.retries >= MAX_ATTEMPTS - 1:
            OutboxMessage.objects.filter(pk=message_id).update(status=OutboxStatus.FAILED)
            log.warning("outbox message %s failed for good", message_id)
            return False
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_pending_outbox() -> int:
    """Safety net for messages whose on-commit enqueue was lost (e.g. broker down)."""
    cutoff = timezone.now() - dt.timedelta(minutes=2)
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    return sum(deliver(pk) for pk in ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_outbox_batch(message_ids: list[int]) -> int:
    """Deliver a batch queued by ``notify_bulk``; a message that fails stays pending for retry.

    One task per batch instead of one per message; the failures are picked up by
    ``deliver_pending_outbox`` (the beat safety net) after its two-minute grace period.
    """
    sent = 0
    for pk in message_ids:
        try:
            sent += deliver(pk)
        except Exception as exc:
            log.warning("outbox message %s: %s", pk, type(exc).__name__)
            OutboxMessage.objects.filter(pk=pk).update(
                last_error=str(exc)[:500], attempts=models.F("attempts") + 1
            )
    return sent
