"""Delivery of the notification outbox. Tasks take ids and are safe to run twice."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import send_mail
from django.db import models, transaction
from django.utils import timezone

from .models import Channel, Notification, OutboxMessage, OutboxStatus
from .sms import get_sms_backend

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
# One delivery may run this long (SMS gateways time out in seconds, SMTP after
# settings.EMAIL_TIMEOUT = 20 s); the hard limit kills the child 10 s later.
DELIVERY_TIME_LIMIT = 30  # seconds
# A claim on a row is taken over only after the hard limit of the task that holds it, so a live
# worker is not raced; the SMS key (sms_key) makes even a race harmless at the gateway.
CLAIM_STALE_AFTER = dt.timedelta(seconds=45)
# The sweep leaves fresh rows to their own on-commit task for this long.
SWEEP_GRACE = dt.timedelta(seconds=5)
# The sweep fans out: one deliver_outbox_batch task per BATCH_SIZE rows, at most SWEEP_MAX rows
# a run (a bigger backlog goes on the next run, SWEEP_EVERY later). A row it queued is marked
# (claimed_at set, still pending) and not queued again for REQUEUE_AFTER, so a backlog that
# takes longer than one period is not queued twice; a batch task that was lost is re-queued then.
BATCH_SIZE = 25
SWEEP_MAX = 4000
REQUEUE_AFTER = dt.timedelta(minutes=1)
# A batch task's limits: rows it did not reach stay pending for the sweep.
BATCH_TIME_LIMIT = 240  # seconds
# Retries of one message back off 30 s × 2^n: the longest countdown is 30 × 2^(MAX_ATTEMPTS - 1).
# The broker's visibility timeout (settings.CELERY_BROKER_TRANSPORT_OPTIONS, 900 s) must exceed
# it and every task's hard time limit, or Redis hands a task to a second worker while the first
# still runs it (tests/core/test_outbox.py checks).
MAX_RETRY_COUNTDOWN = 30 * 2 ** (MAX_ATTEMPTS - 1)


def sms_key(message: OutboxMessage) -> str:
    """The message's idempotency key at the SMS gateway: the same on every attempt."""
    return f"outbox:{message.pk}"


def _claimable(now: dt.datetime) -> models.Q:
    """Rows a worker may claim: pending, or claimed by a worker that died (stale claim)."""
    return models.Q(status=OutboxStatus.PENDING) | models.Q(
        status=OutboxStatus.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER
    )


def _sweepable(now: dt.datetime) -> models.Q:
    """Rows the sweep queues: pending and not queued by a sweep in the last REQUEUE_AFTER, or
    with a stale claim."""
    return models.Q(
        models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=now - REQUEUE_AFTER),
        status=OutboxStatus.PENDING,
    ) | models.Q(status=OutboxStatus.SENDING, claimed_at__lt=now - CLAIM_STALE_AFTER)


def _claim(message_id: int) -> dt.datetime | None:
    """Take the row for this worker: one conditional UPDATE, so exactly one claimer wins.

    The attempt is counted here, before anything is sent, so ``attempts`` is the number of
    times delivery really started even when the worker is killed half-way.
    """
    now = timezone.now()
    won = (
        OutboxMessage.objects.filter(_claimable(now), pk=message_id).update(
            status=OutboxStatus.SENDING, claimed_at=now, attempts=models.F("attempts") + 1
        )
        == 1
    )
    return now if won else None


class ClaimLost(Exception):
    """The row was taken over while this worker sent it (it ran past CLAIM_STALE_AFTER)."""


def _send(message: OutboxMessage) -> None:
    if message.channel == Channel.IN_APP:
        if message.user_id:
            Notification.objects.create(
                user_id=message.user_id, title=message.subject, body=message.body, url=message.url
            )
    elif message.channel == Channel.EMAIL:
        link = f"\n\n{settings.PUBLIC_BASE_URL}{message.url}" if message.url else ""
        send_mail(message.subject, message.body + link, None, [message.address])
    elif message.channel == Channel.SMS:
        get_sms_backend().send(
            message.address,
            f"{message.subject} {message.body}".strip(),
            key=sms_key(message),
        )


def deliver(message_id: int) -> bool:
    """Deliver one outbox message unless another worker has it; True when it was sent now.

    pending → sending (claimed, committed) → sent. A failure puts the row back to pending (or
    failed after ``MAX_ATTEMPTS``) and re-raises; a worker killed after the claim leaves the row
    ``sending`` until the claim is stale, then the sweep takes it over. An SMS goes out with
    the row's key (``sms_key``): when the worker was killed after the gateway accepted it and
    before the "sent" mark, the next attempt is dropped by the gateway, not sent twice.
    """
    claimed_at = _claim(message_id)
    if claimed_at is None:
        return False
    mine = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxStatus.SENDING, claimed_at=claimed_at
    )
    message = mine.get()
    try:
        with transaction.atomic():
            # The in-app row and the "sent" mark commit together; email and SMS cannot be
            # rolled back, so they are sent first and marked right after.
            _send(message)
            if not mine.update(status=OutboxStatus.SENT, sent_at=timezone.now(), last_error=""):
                raise ClaimLost  # rolls the in-app row back: the new claimer writes it
    except ClaimLost:
        log.warning("outbox message %s was taken over while being sent", message_id)
        return False
    except Exception as exc:  # SoftTimeLimitExceeded included: the row goes back to pending
        final = message.attempts >= MAX_ATTEMPTS
        mine.update(
            status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        if final:
            log.warning("outbox message %s failed for good", message_id)
        raise
    return True


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_ATTEMPTS,
    soft_time_limit=DELIVERY_TIME_LIMIT,
    time_limit=DELIVERY_TIME_LIMIT + 10,
)
def deliver_outbox_message(self, message_id: int) -> bool:
    try:
        return deliver(message_id)
    except Exception as exc:
        if OutboxMessage.objects.filter(pk=message_id, status=OutboxStatus.FAILED).exists():
            return False
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(acks_late=True, reject_on_worker_lost=True, expires=25)
def deliver_pending_outbox() -> int:
    """The re-send sweep (beat, every 30 s): rows whose enqueue was lost or whose worker died.

    It sends nothing itself: it queues the rows in batches of BATCH_SIZE, one
    ``deliver_outbox_batch`` task each, so every worker child drains a backlog in parallel
    (a broker outage of a minute leaves ~1,400 rows after 200 submissions). Claims make it safe
    to run next to the on-commit tasks: whichever claims a row sends it. Returns the rows queued.
    """
    now = timezone.now()
    ids = list(
        OutboxMessage.objects.filter(_sweepable(now), created_at__lt=now - SWEEP_GRACE)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_MAX]
    )
    queued = 0
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        try:
            deliver_outbox_batch.delay(batch)
        except Exception as exc:  # broker gone again: the next run queues the rest
            log.warning("re-send sweep stopped after %s rows: %s", queued, type(exc).__name__)
            break
        # Marked after the enqueue (an enqueue that failed leaves nothing marked); a row the
        # task already claimed is no longer pending and keeps its claim.
        OutboxMessage.objects.filter(pk__in=batch, status=OutboxStatus.PENDING).update(
            claimed_at=now
        )
        queued += len(batch)
    return queued


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=BATCH_TIME_LIMIT,
    time_limit=BATCH_TIME_LIMIT + 10,
)
def deliver_outbox_batch(message_ids: list[int]) -> int:
    """Deliver a batch queued by ``notify_bulk`` or the sweep; a message that fails stays
    pending for the sweep (``deliver_pending_outbox``), and so do the rows not reached when the
    batch runs out of time."""
    sent = 0
    for pk in message_ids:
        try:
            sent += deliver(pk)
        except SoftTimeLimitExceeded:
            log.warning("outbox batch stopped at message %s (time limit)", pk)
            break
        except Exception as exc:
            log.warning("outbox message %s: %s", pk, type(exc).__name__)
    return sent


@shared_task
def clear_expired_sessions() -> None:
    """Delete expired session rows (beat, nightly); Django never does it by itself."""
    from django.core.management import call_command

    call_command("clearsessions")


@shared_task
def warn_calendar_coverage() -> int:
    """Remind administrators to load next year's holiday notice (beat: Mondays, Nov–Dec).

    Quiet once the year is loaded; otherwise one in-app message a week until it is.
    """
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from .notify import notify_users
    from .workdays import covered_years

    today = timezone.localdate()
    year = today.year + 1
    if year in covered_years():
        return 0
    admins = get_user_model().objects.filter(is_superuser=True, is_active=True)
    week = today.isocalendar().week
    return notify_users(
        admins,
        subject=_("Load the %(year)s public holidays") % {"year": year},
        body=_(
            "Deadlines and reception days in %(year)s are provisional until the State Council's "
            "holiday notice for %(year)s is loaded: Admin → Holiday calendar years → Load a year, "
            "or manage.py load_holidays %(year)s."
        )
        % {"year": year},
        url=reverse("admin:core_calendaryear_load"),
        dedupe_key=f"calendar:{year}:w{week}",
    )


@shared_task
def send_daily_digests() -> int:
    """One email (or SMS) per user with the messages held for their daily digest (beat, daily).

    Set-based and safe to run twice: the held rows are read and marked sent in one transaction
    with the digest rows, whose dedupe key names the last row they contain.
    """
    from django.utils.translation import gettext as _

    from .notify import Outgoing, notify_bulk

    with transaction.atomic():
        held = list(
            OutboxMessage.objects.select_for_update()
            .filter(status=OutboxStatus.HELD)
            .order_by("user_id", "created_at", "pk")
            .values("pk", "user_id", "channel", "address", "subject", "url")
        )
        by_user: dict[int | None, list[Any]] = {}
        for row in held:
            by_user.setdefault(row["user_id"], []).append(row)
        today = timezone.localdate()
        digests = []
        for user_id, rows in by_user.items():
            emails = [r for r in rows if r["channel"] == Channel.EMAIL]
            base = emails or rows
            subject = _("Your daily digest: %(n)d notifications") % {"n": len(base)}
            if emails:
                link = settings.PUBLIC_BASE_URL
                body = "\n".join(
                    f"· {r['subject']}" + (f"\n  {link}{r['url']}" if r["url"] else "")
                    for r in emails
                )
                channel, address = Channel.EMAIL, emails[-1]["address"]
            else:
                body = _("Open the notifications page to read them.")
                channel, address = Channel.SMS, rows[-1]["address"]
            digests.append(
                Outgoing(
                    channel=channel,
                    user_id=user_id,
                    address=address,
                    subject=subject,
                    body=body,
                    dedupe_key=f"digest:{user_id}:{today:%Y-%m-%d}:{rows[-1]['pk']}",
                )
            )
        sent = notify_bulk(digests)
        OutboxMessage.objects.filter(pk__in=[r["pk"] for r in held]).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), last_error="in the daily digest"
        )
    return sent
