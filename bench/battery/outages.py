"""Outages of the cache and of PostgreSQL, through the real views.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/battery/outages.py --only cache
    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/battery/outages.py --only postgres

**Cache down** (in this process, Django's test client): the cache points at a closed loopback
port while the broker stays on the real Redis; a constituent submits, reads the receipt,
looks the case up; a staff member logs in through the login form, opens every page reachable by
links from the home page (up to ``--pages``) and records cases by phone. Any answer ≥ 500, or
a submission that is not saved, is an error.

**PostgreSQL restarted under load** (gunicorn on 127.0.0.1, production settings, real HTTP):
threads submit opinions through the public form while this script takes the database away for
``--down`` seconds. The shared cluster is never restarted: the script refuses new connections
to *this run's database only* (``ALTER DATABASE <db> ALLOW_CONNECTIONS false``) and
terminates its open connections (``pg_terminate_backend`` where ``datname`` is this database),
then allows connections again. Every answer must be the redirect to a receipt or the product's
own 503 page in Chinese (``Retry-After``); afterwards every 503'd submission is sent again as a
browser's Back + Send would (same idempotency key) and every petition of the run must be whole:
its "submitted" event and its SMS to the constituent (0 partial records), none twice.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urljoin, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery import common  # noqa: E402

CHINESE_503 = "系统暂时无法使用"
PASSWORD = "bench-outage-" + "y" * 8
SKIP = ("/accounts/logout", "/admin/", "/static/", "/media/", "/i18n/")


def _load() -> str:
    return f" (load average {os.getloadavg()[0]:.1f})"


# ---------------------------------------------------------------------------------------------
# Cache down


def cache_down(*, submissions: int, pages: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db.models import Max
    from django.test import Client, override_settings

    from petitions import captcha
    from petitions.models import Petition
    from stations.choices import StaffPostKind
    from stations.models import StaffPost, Station

    station = Station.objects.filter(staff_posts__user__username="staff").first()
    user, _ = get_user_model().objects.get_or_create(username="bench-outage-staff")
    user.set_password(PASSWORD)
    user.is_active = True
    user.save()
    StaffPost.objects.get_or_create(
        user=user, station=station, defaults={"post": StaffPostKind.HEAD}
    )
    first = (Petition.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    statuses: dict[str, list[int]] = {"public": [], "staff": [], "submit": []}
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{common.CLOSED_PORT}/0",
        }
    }
    real_answer = captcha.new_answer
    captcha.new_answer = lambda: "K7M3P"
    net = int(time.time()) % 200 + 2
    visited: list[str] = []
    try:
        with override_settings(CACHES=broken):
            import redis
            from django.core.cache import cache

            try:  # the cache really is down
                cache.get("x")
                raise RuntimeError("the cache answered: not down")
            except redis.exceptions.ConnectionError:
                pass
            for i in range(submissions):
                c = Client(REMOTE_ADDR=f"127.{net}.9.{i % 250 + 1}")
                url = f"/p/s/{station.public_code}/"
                page = c.get(url)
                statuses["public"].append(page.status_code)
                response = c.post(
                    url,
                    {
                        "title": f"缓存故障时的意见 {i}",
                        "content": "幸福里小区3幢门口的路灯坏了两周。",
                        "constituent_name": "张三丰",
                        "phone": "13812348000",
                        "consent": "on",
                        "captcha": "K7M3P",
                        **common.hidden_fields(page.content.decode()),
                    },
                )
                statuses["submit"].append(response.status_code)
                if response.status_code == 302:
                    receipt = c.get(response.url)
                    statuses["public"].append(receipt.status_code)
                    code = response.url.rstrip("/").rsplit("/", 1)[-1]
                    for target in ("/p/track/", f"/p/track/?code={code}", f"/p/track/{code}/"):
                        statuses["public"].append(c.get(target).status_code)
                    statuses["public"].append(c.get("/p/track/?code=ABCDEFGHJKMNPQ").status_code)
            staff = Client(REMOTE_ADDR=f"127.{net}.10.1")
            login = staff.get("/accounts/login/")
            response = staff.post(
                "/accounts/login/",
                {
                    "username": user.username,
                    "password": PASSWORD,
                    **common.hidden_fields(login.content.decode()),
                },
            )
            statuses["staff"] += [login.status_code, response.status_code]
            if response.status_code != 302:
                raise RuntimeError(f"the staff login answered {response.status_code}")
            visited = _crawl(staff, "/", limit=pages, statuses=statuses["staff"])
            for i in range(submissions):
                response = staff.post(
                    "/petitions/new/",
                    {
                        "station": station.pk,
                        "channel": "phone",
                        "title": f"缓存故障时的来电 {i}",
                        "content": "路口井盖缺失。",
                        "constituent_name": "韩梅",
                        "phone": "13700003333",
                        "idempotency_key": uuid.uuid4().hex,
                    },
                )
                statuses["submit"].append(response.status_code)
    finally:
        captcha.new_answer = real_answer
    saved = Petition.objects.filter(pk__gte=first).count()
    return {
        "pages": len(statuses["public"]) + len(statuses["staff"]),
        "crawled": len(visited),
        "errors": sum(s >= 500 for v in statuses.values() for s in v),
        "bad_submit": sum(s != 302 for s in statuses["submit"]),
        "saved": saved,
        "expected": 2 * submissions,
    }


def _crawl(client, start: str, *, limit: int, statuses: list[int]) -> list[str]:
    """GET every same-site page reachable by links from ``start`` (breadth first, ≤ limit)."""
    seen, queue = {start}, [start]
    done: list[str] = []
    while queue and len(done) < limit:
        url = queue.pop(0)
        response = client.get(url, follow=True)
        statuses.append(response.status_code)
        done.append(url)
        if response.redirect_chain:
            url = response.redirect_chain[-1][0]
        if response.status_code >= 500:
            common.say(f"    {response.status_code} {url}")
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', response.content.decode(errors="replace")):
            target = urljoin(url, href.replace("&amp;", "&"))
            parsed = urlparse(target)
            if parsed.netloc or not parsed.path.startswith("/"):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path in seen or any(path.startswith(s) for s in SKIP):
                continue
            # One sample of each listing's pages and filters, not every combination.
            shape = re.sub(r"\d+", "N", parsed.path) + ("?" if parsed.query else "")
            if (
                sum(
                    1
                    for s in seen
                    if re.sub(r"\d+", "N", s.split("?")[0]) + ("?" if "?" in s else "") == shape
                )
                >= 3
            ):
                continue
            seen.add(path)
            queue.append(path)
    return done


# ---------------------------------------------------------------------------------------------
# PostgreSQL restarted under load


def _admin_connection():
    """A connection to the cluster's ``postgres`` database (never this run's database)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def take_database_away(name: str, seconds: float) -> int:
    """Refuse new connections to ``name`` and end the open ones for ``seconds``; then allow
    connections again. Only this database: the cluster and other databases are untouched."""
    from psycopg2 import sql

    killed = 0
    admin = _admin_connection()
    cursor = admin.cursor()
    cursor.execute(
        sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name))
    )
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            killed += len(cursor.fetchall())
            time.sleep(0.25)
    finally:
        cursor.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(sql.Identifier(name))
        )
        admin.close()
    return killed


def postgres_restart(*, threads: int, seconds: float, down: float, workers: int) -> dict:
    import requests
    from django.conf import settings
    from django.db import connection
    from django.db.models import Max

    from core.models import OutboxMessage
    from petitions.models import Petition, PetitionEvent
    from stations.models import Station

    station = Station.objects.filter(staff_posts__user__username="staff").first()
    first = (Petition.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    name = settings.DATABASES["default"]["NAME"]
    connection.close()
    gunicorn, host = common.start_gunicorn(workers=workers)
    counts = {"ok": 0, "503": 0, "503_chinese": 0, "other": 0}
    others: list[str] = []
    retry: list[tuple[object, str, dict, dict]] = []
    lock = threading.Lock()
    stop = threading.Event()
    serial = iter(range(10**9))
    net = int(time.time()) % 200 + 2

    def one(session, n: int) -> None:
        headers = {"X-Forwarded-For": f"127.{net}.{n // 250 % 250}.{n % 250 + 1}"}
        url = f"{host}/p/s/{station.public_code}/"
        try:
            page = session.get(url, headers=headers, timeout=30)
        except requests.RequestException as exc:
            with lock:
                counts["other"] += 1
                others.append(f"GET {type(exc).__name__}")
            return
        if page.status_code != 200:
            _count(page, "GET")
            return
        data = {
            "title": f"数据库重启时的意见 {n}",
            "content": "幸福里小区3幢门口的路灯坏了两周。",
            "constituent_name": "张三丰",
            "phone": "13812348000",
            "consent": "on",
            "captcha": "K7M3P",
            **common.hidden_fields(page.text),
        }
        headers["Referer"] = url
        try:
            response = session.post(url, data, headers=headers, allow_redirects=False, timeout=30)
        except requests.RequestException as exc:
            with lock:
                counts["other"] += 1
                others.append(f"POST {type(exc).__name__}")
            return
        if _count(response, "POST") == 503:
            with lock:
                retry.append((session, url, data, headers))

    def _count(response, what: str) -> int:
        with lock:
            if response.status_code in (200, 302):
                counts["ok"] += 1
            elif response.status_code == 503:
                counts["503"] += 1
                counts["503_chinese"] += (
                    CHINESE_503 in response.text and response.headers.get("Retry-After") == "60"
                )
            else:
                counts["other"] += 1
                others.append(f"{what} {response.status_code}")
        return response.status_code

    def loop() -> None:
        session = requests.Session()
        while not stop.is_set():
            one(session, next(serial))

    killed = 0
    try:
        pool = [threading.Thread(target=loop) for _ in range(threads)]
        for t in pool:
            t.start()
        time.sleep(seconds / 3)
        killed = take_database_away(name, down)
        time.sleep(seconds * 2 / 3)
        stop.set()
        for t in pool:
            t.join(timeout=60)
        # The constituent goes Back and sends the same form again (same browser, same cookies).
        again = {"receipt": 0, "form": 0, "other": 0}
        for session, url, data, headers in retry:
            r = session.post(url, data, headers=headers, allow_redirects=False, timeout=30)
            key = "receipt" if r.status_code == 302 else "form" if r.status_code == 200 else "other"
            again[key] += 1
            if key == "other":
                others.append(f"again {r.status_code}")
    finally:
        common.stop(gunicorn)
    new = Petition.objects.filter(pk__gte=first)
    partial = new.exclude(
        pk__in=PetitionEvent.objects.filter(to_status="submitted").values("petition")
    ).count()
    sms_keys = set(
        OutboxMessage.objects.filter(dedupe_key__endswith=":submitted:sms").values_list(
            "dedupe_key", flat=True
        )
    )
    partial += sum(
        1
        for pk in new.values_list("pk", flat=True)
        if f"petition:{pk}:submitted:sms" not in sms_keys
    )
    keys = list(new.values_list("idempotency_key", flat=True))
    return {
        **counts,
        "others": others[:5],
        "killed": killed,
        "again": again,
        "saved": new.count(),
        "partial": partial,
        "duplicates": len(keys) - len(set(keys)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["cache", "postgres"], action="append")
    parser.add_argument("--submissions", type=int, default=20, help="cache down: of each kind")
    parser.add_argument("--pages", type=int, default=150, help="cache down: staff pages crawled")
    parser.add_argument("--threads", type=int, default=4, help="postgres: parallel constituents")
    parser.add_argument("--seconds", type=float, default=45, help="postgres: length of the load")
    parser.add_argument("--down", type=float, default=10, help="postgres: seconds away")
    parser.add_argument("--workers", type=int, default=2, help="postgres: gunicorn workers")
    args = parser.parse_args()
    os.environ.setdefault("PUBLIC_SUBMIT_STATION_RATE", "100000")
    common.setup_django()
    only = set(args.only or ["cache", "postgres"])
    if "cache" in only:
        common.say(f"cache down: {args.submissions} public + {args.submissions} staff submissions")
        r = cache_down(submissions=args.submissions, pages=args.pages)
        common.result(
            "cache down (Redis cache unreachable, broker up)",
            f"{r['pages']} page answers ({r['crawled']} staff pages crawled), {r['errors']} errors "
            f"≥ 500; {r['saved']}/{r['expected']} submissions saved{_load()}",
            "0 errors, every submission saved",
            r["errors"] == 0 and r["bad_submit"] == 0 and r["saved"] == r["expected"],
        )
    if "postgres" in only:
        common.say(f"PostgreSQL away {args.down:.0f} s during {args.seconds:.0f} s of submissions")
        r = postgres_restart(
            threads=args.threads, seconds=args.seconds, down=args.down, workers=args.workers
        )
        common.result(
            f"PostgreSQL restarted under load (this database refused {args.down:.0f} s, "
            f"{r['killed']} connections ended)",
            f"{r['ok']} submissions answered normally, {r['503']} answers 503 ({r['503_chinese']} our Chinese "
            f"page with Retry-After), {r['other']} other; sent again: "
            f"{r['again']['receipt']} receipts, {r['again']['form']} forms, "
            f"{r['again']['other']} other {r['others']}; {r['saved']} saved, {r['partial']} partial, "
            f"{r['duplicates']} duplicated{_load()}",
            "only receipts or our 503 in Chinese, 0 partial records",
            r["other"] == 0
            and r["503"] == r["503_chinese"]
            and r["partial"] == 0
            and r["duplicates"] == 0
            and r["again"]["other"] == 0,
        )


if __name__ == "__main__":
    main()
