"""Test doubles for outages: a cache that raises, URLs that fail like a dead database, and a
Celery app pointed at another broker."""

from __future__ import annotations

from typing import Any

from celery import Celery
from django.core.cache.backends.base import BaseCache
from django.db import OperationalError
from django.urls import include, path


class BrokenCache(BaseCache):
    """Every call fails as redis-py does when Redis is stopped."""

    def __init__(self, location, params) -> None:
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = add = incr = delete = touch = has_key = clear = get_many = set_many = _down


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-faults/db-down/", database_down),
    path("test-faults/crash/", crash),
    path("", include("config.urls")),
]
handler500 = "core.views.server_error"


def point_broker_at(app: Celery, url: str, options: dict[str, Any]) -> None:
    """Publish to ``url`` from now on (e.g. a dead address), with these transport options.

    Celery builds its connection pool and its producer pool once, for the broker URL of that
    moment, and keeps them on ``app._pool`` and ``app.amqp._producer_pool`` (no public API
    resets them): both are dropped here so the next publish builds new ones for ``url``. Not
    closed (``force_close_all()``): kombu keeps one producer pool per URL, still needed when the
    test points the app back. ``swap_broker_pools`` sets working pools aside and back."""
    app.conf.update(broker_url=url, broker_transport_options=options)
    swap_broker_pools(app, (None, None))


def swap_broker_pools(app: Celery, pools: tuple[Any, Any]) -> tuple[Any, Any]:
    """Install ``(connection pool, producer pool)`` on ``app``; returns the ones it had."""
    held, producers = vars(app), vars(app.amqp)
    previous = (held.get("_pool"), producers.get("_producer_pool"))
    held["_pool"], producers["_producer_pool"] = pools
    return previous
