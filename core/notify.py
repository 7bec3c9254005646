"""Queue a notification: an outbox row in the caller's transaction, delivered after commit.

Callers pass a ``dedupe_key`` for anything a periodic sweep can produce, so running the sweep
twice queues nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from .models import Channel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Queue ``task.delay(*args)`` after the current transaction commits, failing soft.

    The change is already saved when this runs: a broker that is down must not turn a saved
    change into an error page (and a retyped duplicate). The failure is logged without the
    arguments, and the outbox row stays pending for the re-send sweep
    (``core.tasks.deliver_pending_outbox``, on beat every 30 seconds).
    """

    def send() -> None:
        try:
            task.delay(*args)
        except Exception as exc:  # kombu raises OperationalError, OSError, … when it cannot connect
            log.warning(
                "could not queue %s (%s); left for the sweep", task.name, type(exc).__name__
            )

    transaction.on_commit(send)


def notify(
    *,
    channel: str,
    subject: str,
    body: str = "",
    url: str = "",
    user=None,
    address: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Write one outbox row; returns None if ``dedupe_key`` was already used."""
    if channel in (Channel.EMAIL, Channel.SMS) and not address:
        return None
    message = OutboxMessage(
        channel=channel,
        user=user,
        address=address,
        subject=subject[:200],
        body=body,
        url=url,
        dedupe_key=dedupe_key,
    )
    if dedupe_key is not None:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            return None
    else:
        message.save()
    from .tasks import deliver_outbox_message

    enqueue_on_commit(deliver_outbox_message, message.pk)
    return message


def notify_users(
    users, *, subject: str, body: str = "", url: str = "", dedupe_key: str = ""
) -> int:
    """In-app message (plus email when the user has one) to each user; returns messages queued."""
    sent = 0
    for user in users:
        key = f"{dedupe_key}:u{user.pk}" if dedupe_key else None
        if notify(
            channel=Channel.IN_APP, user=user, subject=subject, body=body, url=url, dedupe_key=key
        ):
            sent += 1
        if user.email:
            notify(
                channel=Channel.EMAIL,
                user=user,
                address=user.email,
                subject=subject,
                body=body,
                url=url,
                dedupe_key=f"{key}:email" if key else None,
            )
    return sent


def notify_bulk(messages: Iterable[OutboxMessage]) -> int:
    """Queue many outbox rows with one INSERT and one delivery task; returns rows queued.

    Rows whose ``dedupe_key`` was already used are skipped (ON CONFLICT DO NOTHING), so a sweep
    that runs twice queues nothing twice. Email and SMS rows without an address are dropped.
    """
    rows = [
        m
        for m in messages
        if m.channel == Channel.IN_APP or m.address  # nowhere to send otherwise
    ]
    if not rows:
        return 0
    for m in rows:
        m.subject = m.subject[:200]
    keys = [m.dedupe_key for m in rows if m.dedupe_key]
    before = (
        set(OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
        if keys
        else set()
    )
    fresh = [m for m in rows if not m.dedupe_key or m.dedupe_key not in before]
    if not fresh:
        return 0
    # ignore_conflicts covers a concurrent run that inserted the same key since the read above.
    OutboxMessage.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    fresh_keys = [m.dedupe_key for m in fresh if m.dedupe_key]
    ids = list(
        OutboxMessage.objects.filter(
            dedupe_key__in=fresh_keys, status=OutboxStatus.PENDING
        ).values_list("pk", flat=True)
    )
    # Rows without a key get no pk back from an ignore_conflicts insert; the pending-outbox
    # safety net delivers them.
    if ids:
        from .tasks import BATCH_SIZE, deliver_outbox_batch

        # Batches, so several worker children share a big notice and each task stays short.
        for start in range(0, len(ids), BATCH_SIZE):
            enqueue_on_commit(deliver_outbox_batch, ids[start : start + BATCH_SIZE])
    return len(fresh)


def user_messages(
    users, *, subject: str, body: str = "", url: str = "", dedupe_key: str = ""
) -> list[OutboxMessage]:
    """Unsaved outbox rows for ``notify_bulk``: in-app to each user, plus email when they have one."""
    out = []
    for user in users:
        key = f"{dedupe_key}:u{user.pk}" if dedupe_key else None
        common = {"user": user, "subject": subject, "body": body, "url": url}
        out.append(OutboxMessage(channel=Channel.IN_APP, dedupe_key=key, **common))
        if user.email:
            out.append(
                OutboxMessage(
                    channel=Channel.EMAIL,
                    address=user.email,
                    dedupe_key=f"{key}:email" if key else None,
                    **common,
                )
            )
    return out
