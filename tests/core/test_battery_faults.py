"""Faults with real services (the suite's small version of bench/battery/faults.py).

A real Celery worker (prefork, two children) delivers 50 SMS to a gateway that records each
accepted message by its idempotency key and drops a repeated key (bench.battery.common.
FileSmsBackend), with 30 ms latency each; the test kills it with SIGKILL part-way:

* the whole worker (its process group), then a fresh worker;
* only its pool children (the main process starts new ones);
* and, separately, the web side's broker pointing at a closed port while cases are submitted.

Then the clock moves past the claim timeout and the sweep's grace period (the rows' timestamps
are moved back five minutes instead of waiting; the bench measures the real wait), the beat's
re-send sweep runs through the worker, and every message must have reached the receiver
exactly once (counted by subject, as the receiver sees them).
Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI runs it, a bare machine skips it.
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import signal
import socket
import time

import pytest
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from core.models import OutboxMessage, OutboxStatus
from core.notify import notify
from core.tasks import deliver_pending_outbox
from tests.conftest import route_all_to, skip_or_fail, start_worker_process, wait_for
from tests.core.faults import point_broker_at

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("services")]
N = 50
DELAY = 0.03  # seconds of gateway latency per SMS


@pytest.fixture
def gateway(transactional_db, tmp_path):
    """Start and kill workers on this test's queue; returns a small control object."""
    if not (
        os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    ):
        skip_or_fail("needs DATABASE_URL (PostgreSQL) and REDIS_URL for a real Celery worker")
    control = _Gateway(tmp_path)
    try:
        yield control
    finally:
        control.close()


class _Gateway:
    def __init__(self, tmp_path) -> None:
        self.out = tmp_path
        self.queue = f"battery-{os.getpid()}-{time.time_ns()}"
        self.workers: list = []
        self.conf = celery_app.conf
        self.conf.task_always_eager = False
        self.restore_routes = route_all_to(self.queue)

    def start(self):
        hostname = f"{self.queue}-{len(self.workers)}@{socket.gethostname()}"
        worker = start_worker_process(
            queue=self.queue,
            hostname=hostname,
            pool="prefork",
            concurrency=2,
            env={
                "SMS_BACKEND": "bench.battery.common.FileSmsBackend",
                "BATTERY_OUT": str(self.out),
                "BATTERY_SMS_DELAY": str(DELAY),
            },
            start_new_session=True,
        )
        self.workers.append(worker)
        wait_for(lambda: celery_app.control.ping(destination=[hostname], timeout=0.5), timeout=60)
        return worker

    def counts(self) -> collections.Counter:
        from bench.battery.common import delivered

        return delivered(self.out)

    def close(self) -> None:
        from bench.battery.common import stop

        for worker in self.workers:
            stop(worker)  # SIGTERM, then SIGKILL to what is left of its process group
        self.conf.task_always_eager = True
        self.restore_routes()


def _queue(tag: str) -> list[str]:
    with transaction.atomic():
        for i in range(N):
            notify(
                channel="sms",
                address="13800000000",
                subject=f"[bench:{tag}-{i}]",
                dedupe_key=f"battery:{tag}:{i}",
            )
    return [f"[bench:{tag}-{i}]" for i in range(N)]


def _sent(gateway) -> int:
    return sum(gateway.counts().values())


def _time_passes_and_the_sweep_runs() -> None:
    """Five minutes later (past the 90 s claim timeout and the sweep's 1 min grace)."""
    earlier = timezone.now() - dt.timedelta(minutes=5)
    rows = OutboxMessage.objects.exclude(status=OutboxStatus.SENT)
    rows.update(created_at=earlier)
    rows.filter(status=OutboxStatus.SENDING).update(claimed_at=earlier)
    deliver_pending_outbox.delay()


def _all_sent() -> bool:
    return not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


def _exactly_once(gateway, tags: list[str]) -> None:
    """Every message reached the receiver, none twice.

    A process killed after the gateway accepted an SMS and before the "sent" mark committed
    leaves the row claimed, and the sweep sends it again later; it goes with the same key
    (``outbox:<id>``), so the gateway drops it."""
    counts = gateway.counts()
    assert [t for t in tags if counts[t] == 0] == []
    assert [t for t in tags if counts[t] > 1] == []
    assert sum(counts.values()) == len(tags)


def test_kill_9_of_the_whole_worker_mid_delivery_loses_and_repeats_nothing(gateway):
    worker = gateway.start()
    tags = _queue("whole")
    wait_for(lambda: _sent(gateway) >= 5, timeout=30, interval=0.02)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert _sent(gateway) < N, "the worker finished before it was killed"
    assert not _all_sent()

    gateway.start()
    _time_passes_and_the_sweep_runs()
    wait_for(_all_sent, timeout=90)
    _exactly_once(gateway, tags)
    assert not OutboxMessage.objects.filter(attempts__gt=2).exists()


def test_kill_9_of_the_pool_children_loses_and_repeats_nothing(gateway):
    from bench.battery.common import children

    worker = gateway.start()
    tags = _queue("children")
    killed = 0
    for at_least in (5, 20):
        wait_for(lambda n=at_least: _sent(gateway) >= n, timeout=30, interval=0.02)
        for pid in children(worker.pid):
            os.kill(pid, signal.SIGKILL)
            killed += 1
    assert worker.poll() is None, "the main process must survive its children"

    # The rest goes out; a message whose child died mid-send stays claimed for the sweep.
    wait_for(lambda: _sent(gateway) >= N - killed or _all_sent(), timeout=60)
    _time_passes_and_the_sweep_runs()
    wait_for(_all_sent, timeout=90)
    _exactly_once(gateway, tags)


def test_with_the_broker_down_submissions_are_saved_and_the_sweep_sends_them(gateway):
    from petitions.models import Petition
    from tests.petitions.public_support import submit
    from tests.world import build_world

    world = build_world()
    real = (celery_app.conf.broker_url, celery_app.conf.broker_transport_options)
    point_broker_at(celery_app, "redis://127.0.0.1:1/0", {})  # nothing listens on port 1
    try:
        for i in range(5):
            submit(world, title=f"路灯坏了 {i}")
    finally:
        point_broker_at(celery_app, *real)
    assert Petition.objects.count() == 5
    assert OutboxMessage.objects.exists()
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.PENDING).exists()

    gateway.start()
    _time_passes_and_the_sweep_runs()
    wait_for(_all_sent, timeout=90)
    sms = OutboxMessage.objects.filter(channel="sms").count()
    assert sms >= 5 and _sent(gateway) == sms
