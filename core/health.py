"""Health and readiness endpoints for load balancers, orchestrators and benchmarks.

``/healthz`` answers from the process alone (no database, no session, no template): it says the
web worker is alive, and it is the trivial view the throughput benchmark compares pages with.
``/readyz`` says whether this worker can serve: the database answers ``SELECT 1`` and the
Celery broker accepts a connection. A load balancer takes a worker out of rotation on 503.
Both are public and plain text, so they never need a login or a CSRF token.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body + "\n", status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_GET
def healthz(request) -> HttpResponse:
    return _text("ok")


def database_ready() -> bool:
    try:
        for alias in settings.DATABASES:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
    except DatabaseError:
        log.warning("readyz: the database does not answer")
        return False
    return True


def broker_ready() -> bool:
    from kombu import Connection

    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=2,
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:  # any transport error means "not ready"; the kind is in the log
        log.warning("readyz: the broker does not answer", exc_info=True)
        return False
    return True


@never_cache
@require_GET
def readyz(request) -> HttpResponse:
    checks = {"database": database_ready(), "broker": broker_ready()}
    body = "\n".join(f"{name}: {'ok' if ok else 'down'}" for name, ok in checks.items())
    return _text(body, 200 if all(checks.values()) else 503)
