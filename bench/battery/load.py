"""Load: locust, headless and bounded, against gunicorn on 127.0.0.1 with production settings.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/battery/load.py \
        --staff 80 --public-users 50 --burst 500 --burst-after 40 --seconds 240

Creates ``--staff`` staff logins (``bench-load-N``, at the demo station of ``staff``), starts
``gunicorn -c config/gunicorn.conf.py bench.battery.wsgi`` with ``DJANGO_ENV=production``
(bench.battery.settings: cookies over plain HTTP; bench.battery.wsgi: a known captcha answer)
and runs locust for ``--seconds``: the staff users log in (started ``--spawn-rate`` a second)
and work cases; ``--burst-after`` seconds in, ``--public-users`` public users offer ``--burst``
submissions at one a second each (50 users: 500 in 10 s). Every answer but the expected one
is a failure. Prints total req/s, failures, p50/p95 per page, how long the burst took, and the
load average at start and end (the machine is shared); rows go to the battery's summary.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery import common  # noqa: E402

PASSWORD = "bench-load-" + "x" * 8


def prepare_users(n: int):
    from django.contrib.auth import get_user_model

    from stations.choices import StaffPostKind
    from stations.models import StaffPost, Station

    User = get_user_model()
    station = Station.objects.filter(staff_posts__user__username="staff").first()
    names = []
    for i in range(n):
        user, _ = User.objects.get_or_create(username=f"bench-load-{i}")
        user.set_password(PASSWORD)
        user.is_active = True
        user.save()
        StaffPost.objects.get_or_create(
            user=user, station=station, defaults={"post": StaffPostKind.HEAD}
        )
        names.append(user.username)
    return names, station


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--public-users", type=int, default=10)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--burst-after", type=float, default=30.0, help="seconds before the burst")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    # Logins hash the password (PBKDF2, ~0.3 s of CPU each): a wave of them all at once would
    # measure the hasher, not the pages.
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="users started per second")
    args = parser.parse_args()
    common.setup_django()
    from axes.models import AccessAttempt
    from django.db.models import Max

    from petitions.choices import Channel
    from petitions.models import Petition

    names, station = prepare_users(args.staff)
    AccessAttempt.objects.filter(username__startswith="bench-load-").delete()
    gunicorn, host = common.start_gunicorn(workers=args.workers)
    burst_log = common.OUT / "burst.txt"
    burst_log.unlink(missing_ok=True)
    first = (Petition.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    try:
        prefix = common.OUT / "locust"
        users = args.staff + args.public_users
        locust_env = {
            **os.environ,
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_USERS": ",".join(names),
            "BENCH_STATION": str(station.pk),
            "BENCH_PUBLIC_CODE": station.public_code,
            "BENCH_BURST": str(args.burst),
            "BENCH_PUBLIC_USERS": str(args.public_users),
            "BENCH_BURST_AT": str(time.time() + args.burst_after),
            "BENCH_BURST_LOG": str(burst_log),
        }
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        load_start = os.getloadavg()[0]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--only-summary",
                "-u",
                str(users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                host,
                "--csv",
                str(prefix),
                # StaffUser:PublicUser as asked, whatever the class weights say.
                "StaffUser",
                "PublicUser",
            ],
            env=locust_env,
            cwd=common.ROOT,
            timeout=args.seconds + 180,
            check=False,
            stdout=(common.OUT / "locust.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        load_end = os.getloadavg()[0]
    finally:
        common.stop(gunicorn)
    saved = Petition.objects.filter(pk__gte=first, channel=Channel.STATION_QR).count()
    took = burst_log.read_text().strip() if burst_log.exists() else None
    report(
        prefix,
        args,
        started,
        extra=f"; the burst's {saved} public submissions saved "
        + (f"in {took} s" if took else "(not all within the run)")
        + f"; load average {load_start:.1f} at the start, {load_end:.1f} at the end",
        saved=saved,
    )


def report(prefix: Path, args, started: str, *, extra: str = "", saved: int = 0) -> None:
    with open(f"{prefix}_stats.csv") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pages = [r for r in rows if r["Name"] != "Aggregated"]
    failures = int(total["Failure Count"])
    submitted = next((int(r["Request Count"]) for r in pages if r["Name"] == "public: submit"), 0)
    cpu = os.cpu_count()
    common.result(
        f"load: {args.staff} staff + public burst of {args.burst}, {args.seconds} s, "
        f"gunicorn -w {args.workers} ({started}, {cpu} shared cores)",
        f"{int(total['Request Count'])} requests, {float(total['Requests/s']):.1f} req/s, "
        f"{failures} failures; p95 {total['95%']} ms overall{extra}",
        "0 errors",
        failures == 0 and submitted >= args.burst and saved >= args.burst,
    )
    for r in sorted(pages, key=lambda r: r["Name"]):
        common.say(
            f"    {r['Name']:<24} {int(r['Request Count']):>6} req  {float(r['Requests/s']):6.1f} "
            f"req/s  p50 {r['50%']:>5} ms  p95 {r['95%']:>5} ms  failures {r['Failure Count']}"
        )
    lines = [
        "| page | requests | req/s | p50 ms | p95 ms | failures |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(pages, key=lambda r: r["Name"]):
        lines.append(
            f"| {r['Name']} | {r['Request Count']} | {float(r['Requests/s']):.1f} | {r['50%']} "
            f"| {r['95%']} | {r['Failure Count']} |"
        )
    (common.OUT / "load.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
