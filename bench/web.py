"""Web throughput: gunicorn with production settings under locust, page by page, against /healthz.

    createdb -h 127.0.0.1 -U postgres liaison_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench REDIS_URL=redis://127.0.0.1:6379/1 \
        .venv/bin/python bench/web.py [--petitions 1000000] [--workers 2,4] [--seconds 10]

Seeds a province with ``bench/run.py --seed-only`` when the database holds fewer petitions (the
dashboard reads its rollups), logs a station's staff member, the province's clerk and a second
station's staff member in through the real login form (the bench users' password is
``bench.run.BENCH_PASSWORD``), then for each worker count starts
``gunicorn -c config/gunicorn.conf.py`` with ``DJANGO_ENV=production`` on loopback (plain HTTP:
``bench/battery``'s settings and start-up, see ``bench.battery.common.start_gunicorn``) and runs
locust (``bench/web_locust.py``) against each page: ``--users`` users with no think time
(the server saturated: req/s, and the ratio to ``/healthz`` in the same gunicorn), then the
same users with ``--think`` seconds between requests (p50/p95/p99 and errors at that load).
Prints one table per worker count with the load average, and writes it to var/web/web.md.
The opinions the POST recorded are deleted at the end. Locust runs on the same machine as
gunicorn, PostgreSQL and Redis: on a small box it takes CPU the server would otherwise have.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "web"
# bench.battery.common writes gunicorn's log under BATTERY_OUT (read at import).
os.environ.setdefault("BATTERY_OUT", str(OUT))


def _need_services() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        sys.exit("bench/web.py needs DATABASE_URL (PostgreSQL) and REDIS_URL (your own db number)")


def seed_if_needed(petitions: int) -> None:
    """``bench/run.py --seed-only`` in its own process, when the database has fewer cases."""
    out = subprocess.run(
        [sys.executable, "-c", "import bench.run as r; print(r.Petition.objects.count())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    have = int(out.stdout.split()[-1]) if out.returncode == 0 and out.stdout.split() else 0
    if have >= petitions:
        return
    print(f"seeding a province of {petitions} petitions (bench/run.py --seed-only) …", flush=True)
    subprocess.run(
        [sys.executable, "bench/run.py", "--petitions", str(petitions), "--seed-only"],
        cwd=ROOT,
        check=True,
    )


# What each page row names, in the order of the table.
ORDER = [
    "healthz",
    "login page",
    "public station page",
    "public tracking page",
    "staff to-do home",
    "staff case list",
    "staff case page",
    "clerk dashboard, province",
    "staff record an opinion (POST)",
    "mix",
]
# The mix: what a working day looks like, by weight (page name → share).
MIX = {
    "staff to-do home": 2,
    "staff case list": 3,
    "staff case page": 4,
    "staff record an opinion (POST)": 1,
    "public station page": 2,
    "public tracking page": 2,
    "login page": 1,
    "clerk dashboard, province": 1,
}


def pick_world() -> dict:
    """Real rows: the busiest station with its staff member and newest case, the province and
    its clerk, a second station whose staff member records the POSTed opinions, a case to track."""
    from django.db.models import Count

    from bench import run
    from petitions.models import Petition
    from stations.models import Region, Station

    run.bench_passwords()
    busy = (
        Petition.objects.values("station_id").annotate(n=Count("id")).order_by("-n")[:2]
    )  # two stations: one whose pages are read, one whose staff records opinions
    station, recorder_station = (Station.objects.get(pk=row["station_id"]) for row in busy)
    province = Region.objects.filter(level="province").order_by("pk").first()
    if province is None:
        sys.exit("no province region: seed with bench/run.py first")
    case = Petition.objects.filter(station=station).order_by("-pk").first()
    tracked = Petition.objects.filter(station=station, status="handling").order_by("pk").first()
    assert case is not None and tracked is not None
    return {
        "station": station,
        "recorder_station": recorder_station,
        "logins": {
            "staff": f"bench-staff-{station.pk}",
            "clerk": f"bench-clerk-{province.pk}",
            "recorder": f"bench-staff-{recorder_station.pk}",
        },
        "pages": {
            "healthz": {"path": "/healthz", "role": None},
            "login page": {"path": "/accounts/login/", "role": None},
            "public station page": {"path": f"/stations/s/{station.public_code}/", "role": None},
            "public tracking page": {"path": f"/p/track/{tracked.tracking_code}/", "role": None},
            "staff to-do home": {"path": "/today/", "role": "staff"},
            "staff case list": {"path": "/petitions/", "role": "staff"},
            "staff case page": {"path": f"/petitions/{case.pk}/", "role": "staff"},
            "clerk dashboard, province": {"path": "/reports/", "role": "clerk"},
            "staff record an opinion (POST)": {
                "kind": "post",
                "form": "/petitions/new/",
                "role": "recorder",
                "data": {
                    "station": str(recorder_station.pk),
                    "channel": "phone",
                    "title": "来电反映：井盖缺失",
                    "content": "路口井盖缺失，夜间有安全隐患。",
                    "constituent_name": "韩梅",
                    "phone": "13700003333",
                },
            },
        },
    }


def log_in(host: str, username: str, password: str) -> str:
    """Sign in through the real login form (CSRF token and all); the Cookie header it earned."""
    import requests

    from bench.battery.common import hidden_fields

    session = requests.Session()
    page = session.get(f"{host}/accounts/login/", timeout=60)
    answer = session.post(
        f"{host}/accounts/login/",
        data={"username": username, "password": password, **hidden_fields(page.text)},
        headers={"Referer": f"{host}/accounts/login/"},
        allow_redirects=False,
        timeout=60,
    )
    if answer.status_code != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"could not log {username} in: {answer.status_code}")
    return "; ".join(f"{k}={v}" for k, v in session.cookies.items())


def run_workers(
    workers: int, world: dict, args, secret_key: str, *, profile: str = ""
) -> list[dict]:
    """One gunicorn with ``workers`` workers, every page measured; the rows of its table.
    With ``profile`` (a page name), gunicorn runs bench/web_profile.py and only that page."""
    from bench import run
    from bench.battery import common

    extra: dict[str, str] = {}
    if profile:
        extra = {
            "app": "bench.web_profile:application",
            "PROFILE_OUT": str(OUT / "profile.txt"),
            # Where pyinstrument is, when it is not installed in the virtualenv.
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p
            ),
        }
    gunicorn, host = common.start_gunicorn(workers=workers, SECRET_KEY=secret_key, **extra)
    try:
        cookies = {
            role: log_in(host, name, run.BENCH_PASSWORD) for role, name in world["logins"].items()
        }
        pages = {}
        for name, page in world["pages"].items():
            pages[name] = {"kind": "get", **page, "name": name}
        pages["mix"] = {
            "kind": "mix",
            "name": "mix",
            "pick": [n for n, w in MIX.items() for _ in range(w)],
        }
        if profile:
            order = [profile]
        else:
            order = [n for n in ORDER if not args.only or n == "healthz" or args.only in n]
        plan = {
            "host": host,
            "cookies": cookies,
            "users": args.users,
            "seconds": args.seconds,
            "think": args.think,
            "pages": pages,
            "post": pages["staff record an opinion (POST)"],
            "order": order,
            "modes": ["saturated"] if profile else ["saturated", "paced"],
            "probe_limit": args.probe_limit,
        }
        OUT.mkdir(parents=True, exist_ok=True)
        plan_file = OUT / f"plan-{workers}.json"
        plan_file.write_text(json.dumps(plan, ensure_ascii=False))
        load_start = os.getloadavg()
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "web_locust.py"), str(plan_file)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=len(order) * 2 * (args.seconds + 60) + 300,
            check=False,
        )
        load_end = os.getloadavg()
        (OUT / f"locust-{workers}.log").write_text(done.stderr)
        if done.returncode != 0:
            raise RuntimeError(f"the load driver failed (var/web/locust-{workers}.log)")
        rows = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        common.stop(gunicorn)
    for row in rows:
        row["workers"] = workers
        row["load"] = (load_start[0], load_end[0])
    return rows


def table(rows: list[dict], args) -> str:
    """One markdown table per worker count: saturated req/s and ratio, paced latency, errors."""
    out = []
    for workers in sorted({r["workers"] for r in rows}):
        mine = [r for r in rows if r["workers"] == workers]
        sat = {r["page"]: r for r in mine if r["mode"] == "saturated"}
        paced = {r["page"]: r for r in mine if r["mode"] == "paced"}
        trivial = sat.get("healthz", {}).get("rps") or 0.0
        load = mine[0]["load"]
        out.append(
            f"\ngunicorn -w {workers}, {args.users} users; saturated = no think time, paced = "
            f"{args.think:g} s ± 50 % think time; {args.seconds} s each; "
            f"load average {load[0]:.1f} → {load[1]:.1f}\n"
        )
        out.append(
            "| page | req/s saturated | ratio to /healthz | p95 saturated ms "
            "| req/s paced | p50 / p95 / p99 paced ms | errors |"
        )
        out.append("|---|---|---|---|---|---|---|")
        not_loaded = [n for n in ORDER if "skipped" in sat.get(n, {})]
        for name in [n for n in ORDER if n in sat]:
            s, p = sat[name], paced[name]
            label = name
            if name == "mix" and not_loaded:
                label = "mix (without the pages not loaded)"
            if "skipped" in s:
                out.append(
                    f"| {label} | — | — | — | — | one request took {s['skipped']:.1f} s: "
                    f"not loaded (> --probe-limit {args.probe_limit:g} s) | — |"
                )
                continue
            ratio = s["rps"] / trivial if trivial else 0.0
            errors = s["failures"] + p["failures"]
            out.append(
                f"| {label} | {s['rps']:.0f} | {ratio:.2f} | {s['p95']} | {p['rps']:.0f} "
                f"| {p['p50']} / {p['p95']} / {p['p99']} | {errors}"
                + (f" ({'; '.join(s['errors'] + p['errors'])[:120]})" if errors else "")
                + " |"
            )
    return "\n".join(out) + "\n"


def cleanup(world: dict) -> int:
    """Delete the opinions the POST recorded (the bench database stays as seeded)."""
    from django.contrib.auth import get_user_model

    from bench.battery import common
    from petitions.models import Petition

    recorder = get_user_model().objects.get(username=world["logins"]["recorder"])
    deleted, _ = Petition.objects.filter(created_by=recorder).delete()
    common.purge_queue()  # the tasks those saves queued (no worker runs here)
    return deleted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petitions", type=int, default=1_000_000, help="seed at least this many")
    parser.add_argument("--workers", default="2,4", help="gunicorn worker counts, comma-separated")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0, help="per page and mode")
    parser.add_argument("--think", type=float, default=1.0, help="paced mode's mean think time")
    parser.add_argument(
        "--probe-limit",
        type=float,
        default=2.0,
        help="a page whose single request takes longer (seconds) is reported, not loaded",
    )
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    parser.add_argument(
        "--profile",
        default="",
        metavar="PAGE",
        help="profile one page (its name in the table) under gunicorn -w 1 with pyinstrument; "
        "the report goes to var/web/profile.txt",
    )
    args = parser.parse_args()
    _need_services()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    t0 = time.monotonic()
    seed_if_needed(args.petitions)
    sys.path.insert(0, str(ROOT))
    from bench import run  # noqa: F401  (sets up Django with the bench's settings)
    from petitions.models import Petition

    world = pick_world()
    secret_key = secrets.token_urlsafe(40)  # one key: the sessions outlive each gunicorn
    if args.profile:
        if args.profile not in world["pages"]:
            sys.exit(f"--profile takes one of: {', '.join(world['pages'])}")
        (OUT / "profile.txt").unlink(missing_ok=True)
        try:
            run_workers(1, world, args, secret_key, profile=args.profile)
        finally:
            cleanup(world)
        print((OUT / "profile.txt").read_text())
        return
    rows: list[dict] = []
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            print(f"gunicorn -w {workers} …", flush=True)
            rows += run_workers(workers, world, args, secret_key)
    finally:
        cleanup(world)
    text = (
        f"bench/web.py {started}, {Petition.objects.count()} petitions, "
        f"{os.cpu_count()} cores shared by locust, gunicorn, PostgreSQL and Redis; "
        f"{time.monotonic() - t0:.0f} s in all\n" + table(rows, args)
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "web.md").write_text(text)
    (OUT / "web.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    print(text)


if __name__ == "__main__":
    main()
