"""Faults with real services: kill -9 the worker, kill its pool children, the broker down.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_NAME REDIS_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python bench/battery/faults.py --rounds 3 --per-round 50

The database must be migrated and hold the demo data (``manage.py demo_data``). Every message
is an SMS to a gateway that records deliveries by the message's idempotency key and drops a
repeated key (common.FileSmsBackend, with ``BATTERY_SMS_DELAY`` latency), as a provider does
with a client serial number; losses and duplicates are counted by subject as the receiver sees
them (a message sent under two keys would show twice), and the repeats the gateway dropped are
counted too. SMS cannot be rolled back, which makes it the channel where a duplicate is
possible at all.

Beat's re-send sweep (``core.tasks.deliver_pending_outbox``, every 30 s) is stood in for by
this script queueing the same task every ``--sweep-every`` seconds (30, as on beat) after a
restart: the first sweep comes a whole period after the restart, the worst phase of beat. Neither the shared PostgreSQL nor the shared Redis is ever stopped: "broker down"
points the web side's broker URL at a closed loopback port, then back.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery import common  # noqa: E402

PHONE = "13800000000"


def queue_messages(tag: str, n: int) -> list[int]:
    """n SMS outbox rows in one transaction; their delivery tasks go out after commit."""
    from django.db import transaction

    from core.notify import notify

    ids = []
    with transaction.atomic():
        for i in range(n):
            m = notify(
                channel="sms",
                address=PHONE,
                subject=f"[bench:{tag}-{i}]",
                body="battery",
                dedupe_key=f"bench:{tag}-{i}",
            )
            assert m is not None, "dedupe key reused: use a fresh tag"
            ids.append(m.pk)
    return ids


def sms_counts() -> collections.Counter:
    """Messages as the receiver got them, by subject (the gateway drops a repeated key)."""
    return common.delivered()


def tally(tags: list[str]) -> tuple[int, int]:
    """(lost, duplicated) among these message subjects, from the gateway's log."""
    counts = sms_counts()
    lost = sum(1 for t in tags if counts[t] == 0)
    dup = sum(counts[t] - 1 for t in tags if counts[t] > 1)
    return lost, dup


def wait_delivered(
    ids: list[int], *, timeout: float, sweep: Callable[[], None], sweep_every: float
) -> float | None:
    """Seconds until every row is sent (the sweep queued every ``sweep_every`` s), or None."""
    from core.models import OutboxMessage, OutboxStatus

    start = time.monotonic()
    next_sweep = start + sweep_every
    while time.monotonic() - start < timeout:
        left = OutboxMessage.objects.filter(pk__in=ids).exclude(status=OutboxStatus.SENT).count()
        if not left:
            return time.monotonic() - start
        if time.monotonic() >= next_sweep:
            sweep()
            next_sweep += sweep_every
        time.sleep(0.5)
    return None


def queue_sweep() -> None:
    from core.tasks import deliver_pending_outbox

    deliver_pending_outbox.delay()


def kill_whole_worker(*, rounds: int, per_round: int, delay: float, tag: str) -> dict:
    """Each round: start a worker, queue ``per_round`` messages, kill -9 its whole process group
    part-way through the deliveries. Then start a worker once more and time the drain."""
    ids: list[int] = []
    tags: list[str] = []
    killed_mid = 0
    for r in range(rounds):
        worker = common.start_worker(pool="prefork", concurrency=2)
        common.wait_ready(worker)
        before = sum(sms_counts().values())
        batch = queue_messages(f"{tag}-w{r}", per_round)
        ids += batch
        tags += [f"[bench:{tag}-w{r}-{i}]" for i in range(per_round)]
        # Somewhere in the middle of this round's deliveries (2 in parallel).
        time.sleep(random.uniform(0.2, 0.8) * per_round * delay / 2)
        common.kill_group(worker)
        sent_now = sum(sms_counts().values()) - before
        killed_mid += 0 < sent_now < per_round
        common.say(f"    round {r + 1}: killed after {sent_now} of {per_round} sent")
    return {"ids": ids, "tags": tags, "killed_mid": killed_mid}


def kill_pool_children(*, worker, rounds: int, per_round: int, delay: float, tag: str) -> dict:
    """Each round: queue ``per_round`` messages to a prefork worker and kill -9 its pool
    children (not the main process, which starts new ones) part-way through."""
    ids: list[int] = []
    tags: list[str] = []
    kills = 0
    for r in range(rounds):
        batch = queue_messages(f"{tag}-c{r}", per_round)
        ids += batch
        tags += [f"[bench:{tag}-c{r}-{i}]" for i in range(per_round)]
        start = sum(sms_counts().values())
        for at_least in (5, 20):
            # Only while deliveries are in flight (an idle child dies harmlessly), at a random
            # point of a gateway call rather than right after one.
            deadline = time.monotonic() + 60
            while sum(sms_counts().values()) - start < at_least and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(random.uniform(0, delay))
            for pid in common.children(worker.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
    return {"ids": ids, "tags": tags, "kills": kills}


def broker_down(*, public: int, staff: int, hold: float) -> dict:
    """``public`` + ``staff`` submissions through the real views while the web side's broker
    URL points at a closed port; returns the counts and the outbox rows they queued."""
    from django.db.models import Max
    from django.test import Client

    from config.celery import app
    from core.models import OutboxMessage
    from petitions import captcha
    from petitions.models import Petition
    from stations.models import Station

    conf = app.conf
    saved = (conf.broker_url, conf.broker_transport_options)
    first_outbox = (OutboxMessage.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    first_petition = (Petition.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    errors = 0
    real_answer = captcha.new_answer
    captcha.new_answer = lambda: "K7M3P"  # the bench reads its own captcha, in this process
    conf.broker_url, conf.broker_transport_options = (
        f"redis://127.0.0.1:{common.CLOSED_PORT}/0",
        {},
    )
    _reset_pools(app)
    start = time.monotonic()
    net = random.randrange(2, 250)  # fresh addresses: the per-address limit lasts an hour
    try:
        from django.contrib.auth import get_user_model

        station = Station.objects.filter(staff_posts__user__username="staff").first()
        for i in range(public):
            c = Client(REMOTE_ADDR=f"127.{net}.{i // 200}.{i % 200 + 1}")
            url = f"/p/s/{station.public_code}/"
            page = c.get(url)
            data = {
                "title": f"路灯坏了 {i}",
                "content": "幸福里小区3幢门口的路灯坏了两周。",
                "constituent_name": "张三丰",
                "phone": "13812348000",
                "consent": "on",
                "captcha": "K7M3P",
                **common.hidden_fields(page.content.decode()),
            }
            response = c.post(url, data)
            errors += response.status_code != 302
        staff_client = Client(REMOTE_ADDR="127.0.0.9")
        staff_client.force_login(get_user_model().objects.get(username="staff"))
        for i in range(staff):
            response = staff_client.post(
                "/petitions/new/",
                {
                    "station": station.pk,
                    "channel": "phone",
                    "title": f"井盖缺失 {i}",
                    "content": "路口井盖缺失。",
                    "constituent_name": "韩梅",
                    "phone": "13700003333",
                    "idempotency_key": f"battery-{time.time_ns()}-{i}",
                },
            )
            errors += response.status_code != 302
        # Keep the broker "down" for at least ``hold`` seconds in all.
        time.sleep(max(0.0, hold - (time.monotonic() - start)))
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        app._pool = None
        app.amqp._producer_pool = None
        captcha.new_answer = real_answer
    down_for = time.monotonic() - start
    saved_count = Petition.objects.filter(pk__gte=first_petition).count()
    ids = list(OutboxMessage.objects.filter(pk__gte=first_outbox).values_list("pk", flat=True))
    return {"errors": errors, "saved": saved_count, "ids": ids, "down_for": down_for}


def _reset_pools(app) -> None:
    # Not force_close_all(): kombu keeps one producer pool per broker URL process-wide, and the
    # real broker's pool must still be open when the URL is put back.
    app._pool = None
    app.amqp._producer_pool = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--per-round", type=int, default=50)
    parser.add_argument("--sms-delay", type=float, default=0.05)
    parser.add_argument("--sweep-every", type=float, default=30.0)
    parser.add_argument("--public", type=int, default=100)
    parser.add_argument("--staff", type=int, default=100)
    parser.add_argument("--down", type=float, default=60.0, help="seconds the broker is down")
    parser.add_argument("--only", choices=["worker", "children", "broker"], action="append")
    args = parser.parse_args()
    import os

    os.environ["BATTERY_SMS_DELAY"] = str(args.sms_delay)
    # Flood protection is not under test here: 100 submissions at one station in a minute.
    os.environ.setdefault("PUBLIC_SUBMIT_STATION_RATE", "100000")
    common.setup_django()
    from django.conf import settings

    settings.SMS_BACKEND = "bench.battery.common.FileSmsBackend"
    common.purge_queue()
    tag = f"r{int(time.time())}"
    only = set(args.only or ["worker", "children", "broker"])
    limit = 300.0

    if "worker" in only:
        common.say(f"kill -9 the whole worker ({args.rounds} × {args.per_round} messages)")
        repeats = common.repeats_dropped()
        run = kill_whole_worker(
            rounds=args.rounds, per_round=args.per_round, delay=args.sms_delay, tag=tag
        )
        worker = common.start_worker(pool="prefork", concurrency=2)
        common.wait_ready(worker)
        took = wait_delivered(
            run["ids"], timeout=limit, sweep=queue_sweep, sweep_every=args.sweep_every
        )
        common.stop(worker)
        lost, dup = tally(run["tags"])
        n = len(run["ids"])
        name = f"kill -9 whole worker, {args.rounds}×{args.per_round} SMS"
        common.result(
            name,
            f"{lost} lost, {dup} duplicated of {n} (receiver's count; "
            f"{common.repeats_dropped() - repeats} repeats dropped by the gateway's key); "
            f"killed mid-round {run['killed_mid']}/{args.rounds}; all sent {_secs(took)} after "
            f"restart{_load()}",
            "0 lost, 0 duplicated, ≤ 120 s",
            lost == 0 and dup == 0 and took is not None and took <= 120,
        )

    if "children" in only:
        common.say(f"kill -9 the pool children ({args.rounds} × {args.per_round} messages)")
        repeats = common.repeats_dropped()
        worker = common.start_worker(pool="prefork", concurrency=2)
        common.wait_ready(worker)
        run = kill_pool_children(
            worker=worker,
            rounds=args.rounds,
            per_round=args.per_round,
            delay=args.sms_delay,
            tag=tag,
        )
        took = wait_delivered(
            run["ids"], timeout=limit, sweep=queue_sweep, sweep_every=args.sweep_every
        )
        common.stop(worker)
        lost, dup = tally(run["tags"])
        common.result(
            f"kill -9 pool children, {args.rounds}×{args.per_round} SMS",
            f"{lost} lost, {dup} duplicated of {len(run['ids'])} (receiver's count; "
            f"{common.repeats_dropped() - repeats} repeats dropped by the gateway's key); "
            f"{run['kills']} children killed; all sent {_secs(took)} after the last "
            f"kill{_load()}",
            "0 lost, 0 duplicated, ≤ 120 s",
            lost == 0 and dup == 0 and took is not None and took <= 120,
        )

    if "broker" in only:
        common.say(f"broker down: {args.public} public + {args.staff} staff submissions")
        worker = common.start_worker(pool="prefork", concurrency=2)
        common.wait_ready(worker)
        run = broker_down(public=args.public, staff=args.staff, hold=args.down)
        took = wait_delivered(
            run["ids"], timeout=limit, sweep=queue_sweep, sweep_every=args.sweep_every
        )
        common.stop(worker)
        total = args.public + args.staff
        common.result(
            f"broker down {run['down_for']:.0f} s during {total} submissions",
            f"{run['saved']} saved, {run['errors']} errors; {len(run['ids'])} queued "
            f"notifications all sent {_secs(took)} after the broker returned{_load()}",
            f"{total} saved, 0 errors, drained ≤ 60 s",
            run["saved"] == total and run["errors"] == 0 and took is not None and took <= 60,
        )


def _load() -> str:
    """The machine's load average now (it is shared: read every time beside the figure)."""
    return f" (load average {os.getloadavg()[0]:.1f})"


def _secs(took: float | None) -> str:
    return "NEVER (timeout)" if took is None else f"{took:.0f} s"


if __name__ == "__main__":
    main()
