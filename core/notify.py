"""Queue a notification: an outbox row in the caller's transaction, delivered after commit.

Callers pass a ``dedupe_key`` for anything a periodic sweep can produce, so running the sweep
twice queues nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from itertools import chain
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .aggregates import IdList
from .models import (
    ALWAYS_IN_APP,
    DEFAULT_CHANNELS,
    Channel,
    NotificationKind,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
)

log = logging.getLogger(__name__)

# The kind of a message, read from the first part of its dedupe key (every sender already names
# its messages that way), for senders that do not pass ``kind``.
KIND_BY_PREFIX = {
    "petition": NotificationKind.CASES,
    "suggestion": NotificationKind.CASES,
    "sweep": NotificationKind.DEADLINES,
    "suggestion-sweep": NotificationKind.DEADLINES,
    "swap": NotificationKind.ROSTER,
    "duty-remind": NotificationKind.ROSTER,
    "day": NotificationKind.ROSTER,
    "roster": NotificationKind.ROSTER,
    "login-lock": NotificationKind.SECURITY,
}


def kind_of(dedupe_key: str | None) -> str:
    prefix = (dedupe_key or "").split(":", 1)[0]
    return KIND_BY_PREFIX.get(prefix, NotificationKind.SYSTEM)


def preferences(user_ids, kind: str) -> dict[int, dict[str, bool]]:
    """{user id: {"in_app", "email", "sms", "digest"}} for one kind (one query each)."""
    from django.contrib.auth import get_user_model

    ids = list(user_ids)
    chosen = {
        p.user_id: {"in_app": p.in_app, "email": p.email, "sms": p.sms}
        for p in NotificationPreference.objects.filter(user_id__in=IdList(ids), kind=kind)
    }
    digest = set(
        get_user_model()
        .objects.filter(pk__in=IdList(ids), daily_digest=True)
        .values_list("pk", flat=True)
    )
    out = {}
    for pk in ids:
        prefs = dict(chosen.get(pk, DEFAULT_CHANNELS))
        if kind in ALWAYS_IN_APP:
            prefs["in_app"] = True
        prefs["digest"] = pk in digest
        out[pk] = prefs
    return out


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
    kind: str = "",
    held: bool = False,
) -> OutboxMessage | None:
    """Write one outbox row; returns None if ``dedupe_key`` was already used.

    ``held``: an email or SMS kept for the user's daily digest (core.tasks.send_daily_digests)
    instead of being sent now.
    """
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
        kind=kind or kind_of(dedupe_key),
        status=OutboxStatus.HELD if held else OutboxStatus.PENDING,
    )
    if dedupe_key is not None:
        try:
            with transaction.atomic():
                message.save()
        except IntegrityError:
            return None
    else:
        message.save()
    if not held:
        from .tasks import deliver_outbox_message

        enqueue_on_commit(deliver_outbox_message, message.pk)
    return message


def notify_users(
    users,
    *,
    subject: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    kind: str = "",
) -> int:
    """Tell each user the way they chose for this kind (in-app, email, SMS; by default in-app
    and email); email and SMS wait for the daily digest when they chose one. Returns the users
    told."""
    users = list(users)
    kind = kind or kind_of(dedupe_key)
    prefs = preferences([u.pk for u in users], kind)
    sent = 0
    for user in users:
        key = f"{dedupe_key}:u{user.pk}" if dedupe_key else None
        mine = prefs[user.pk]
        common = {"user": user, "subject": subject, "body": body, "url": url, "kind": kind}
        told = False
        if mine["in_app"]:
            told |= notify(channel=Channel.IN_APP, dedupe_key=key, **common) is not None
        for channel, address in ((Channel.EMAIL, user.email), (Channel.SMS, user.phone)):
            if mine[channel] and address:
                told |= (
                    notify(
                        channel=channel,
                        address=address,
                        dedupe_key=f"{key}:{channel}" if key else None,
                        held=mine["digest"],
                        **common,
                    )
                    is not None
                )
        sent += told
    return sent


class Outgoing(NamedTuple):
    """One outbox row to queue with ``notify_bulk`` (built by ``user_messages``)."""

    channel: str
    user_id: int | None
    subject: str
    body: str = ""
    url: str = ""
    address: str = ""
    dedupe_key: str | None = None
    kind: str = ""
    status: str = OutboxStatus.PENDING


# What an outbox row holds besides the message itself, as a new row starts (the model's defaults).
_NEW_ROW = ("attempts", "last_error", "created_at")
INSERT_BATCH = 1000  # rows per INSERT statement (SQLite allows fewer: bulk_batch_size)
SUBJECT_LENGTH = OutboxMessage._meta.get_field("subject").max_length or 200


def notify_bulk(messages: Iterable[Outgoing]) -> int:
    """Queue many outbox rows with a few multi-row INSERTs and one delivery task per batch;
    returns the rows queued.

    Rows whose ``dedupe_key`` is already used are skipped (``ON CONFLICT DO NOTHING``, which
    also covers a concurrent run inserting the same key), so a sweep that runs twice queues
    nothing twice. Email and SMS rows without an address are dropped.

    Plain SQL rather than ``bulk_create``: a catch-up sweep queues ~15k digests, and the ORM's
    per-value work plus the look-ups it needs to tell new rows from skipped ones cost ~4 s;
    ``RETURNING`` names exactly the rows inserted (PostgreSQL, SQLite ≥ 3.35).
    """
    rows = [
        m if len(m.subject) <= SUBJECT_LENGTH else m._replace(subject=m.subject[:SUBJECT_LENGTH])
        for m in messages
        if m.channel == Channel.IN_APP or m.address  # nowhere to send otherwise
    ]
    if not rows:
        return 0
    opts = OutboxMessage._meta
    names = (*Outgoing._fields, *_NEW_ROW)  # the model's column names (it sets no db_column)
    fields = [opts.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(map(quote, names))
    fixed = (0, "", connection.ops.adapt_datetimefield_value(timezone.now()))
    size = max(1, min(INSERT_BATCH, connection.ops.bulk_batch_size(fields, rows)))
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    pending: list[int] = []
    inserted = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(opts.db_table)} ({columns}) "
                f"VALUES {', '.join([placeholder] * len(batch))} "
                f"ON CONFLICT ({quote('dedupe_key')}) DO NOTHING RETURNING id, status",
                list(chain.from_iterable(row + fixed for row in batch)),
            )
            for pk, status in cursor.fetchall():
                inserted += 1
                if status == OutboxStatus.PENDING:
                    pending.append(pk)
    if pending:
        from .tasks import BATCH_SIZE, deliver_outbox_batch

        # Batches, so several worker children share a big notice and each task stays short.
        for start in range(0, len(pending), BATCH_SIZE):
            enqueue_on_commit(deliver_outbox_batch, pending[start : start + BATCH_SIZE])
    return inserted


def user_messages(
    users,
    *,
    subject: str,
    body: str = "",
    url: str = "",
    dedupe_key: str = "",
    kind: str = "",
    prefs: dict[int, dict[str, bool]] | None = None,
) -> list[Outgoing]:
    """Outbox rows for ``notify_bulk``, following each user's preferences for the kind
    (as ``notify_users``). A caller building many messages passes ``prefs`` (``preferences``
    for all its users at once) instead of two queries per call."""
    users = list(users)
    kind = kind or kind_of(dedupe_key)
    if prefs is None:
        prefs = preferences([u.pk for u in users], kind)
    out = []
    for user in users:
        key = f"{dedupe_key}:u{user.pk}" if dedupe_key else None
        mine = prefs[user.pk]
        if mine["in_app"]:
            out.append(Outgoing(Channel.IN_APP, user.pk, subject, body, url, "", key, kind))
        for channel, address in ((Channel.EMAIL, user.email), (Channel.SMS, user.phone)):
            if mine[channel] and address:
                out.append(
                    Outgoing(
                        channel,
                        user.pk,
                        subject,
                        body,
                        url,
                        address,
                        f"{key}:{channel}" if key else None,
                        kind,
                        OutboxStatus.HELD if mine["digest"] else OutboxStatus.PENDING,
                    )
                )
    return out
