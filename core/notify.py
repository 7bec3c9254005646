"""Queue a notification: an outbox row in the caller's transaction, delivered after commit.

Callers pass a ``dedupe_key`` for anything a periodic sweep can produce, so running the sweep
twice queues nothing twice.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import Channel, OutboxMessage


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

    transaction.on_commit(lambda: deliver_outbox_message.delay(message.pk))
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
