"""Read replica routing (``DATABASE_REPLICA_URL``).

Dashboards, ledgers and exports read a great deal and can bear a second's replication lag, so
they read from the replica; everything else (the loop, forms, every write) stays on the
primary. Reads go to the replica only inside ``use_replica`` (a view decorator) or
``replica_reads()`` (a block, e.g. an export task), and never for a user who wrote something in
the last ``REPLICA_PIN_SECONDS``: ``PinPrimaryMiddleware`` marks their session after each
successful POST, so a clerk who just changed a case sees the change on the next page.
Without a replica configured every read goes to ``default`` and nothing is written to sessions.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
PIN_KEY = "_primary_until"

_reading: ContextVar[bool] = ContextVar("replica_reading", default=False)
_pinned: ContextVar[bool] = ContextVar("primary_pinned", default=False)


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads inside a replica block go to the replica (unless pinned); writes to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if _reading.get() and not _pinned.get() and has_replica():
            return REPLICA
        return None  # Django's default: the primary (or the related instance's database)

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db != REPLICA  # the replica follows the primary's schema by replication


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


@contextlib.contextmanager
def primary_pinned(pinned: bool = True) -> Iterator[None]:
    token = _pinned.set(pinned)
    try:
        yield
    finally:
        _pinned.reset(token)


def use_replica(view):
    """Decorate a read-only view (dashboards, ledgers) to read from the replica."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapper


class PinPrimaryMiddleware:
    """A user's own fresh write is read from the primary: after a successful POST (or other
    unsafe method) their session is pinned to the primary for ``REPLICA_PIN_SECONDS``."""

    UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not has_replica():
            return self.get_response(request)
        session = getattr(request, "session", None)
        now = time.time()
        pinned = session is not None and session.get(PIN_KEY, 0) > now
        with primary_pinned(pinned or request.method in self.UNSAFE):
            response = self.get_response(request)
        if session is not None and request.method in self.UNSAFE and response.status_code < 400:
            session[PIN_KEY] = now + settings.REPLICA_PIN_SECONDS
        return response
