"""Locust users for the load run (bench/battery/load.py starts gunicorn and this headless).

Staff users log in once and work cases: the case list, a case's page, a search, and now and
then record an opinion taken by phone. Public users (``BENCH_PUBLIC_USERS`` of them, a fixed
count) wait until ``BENCH_BURST_AT`` (a Unix time: the staff are logged in and working by
then), then submit opinions through the station's QR form, each user one a second, until the
burst (``BENCH_BURST`` submissions in all) is done: 50 users × 10 s = 500 submissions offered
in 10 s. Each submission comes from its own address (``X-Forwarded-For``, believed from
loopback as from the TLS proxy in production). The time the burst took is written to
``BENCH_BURST_LOG``.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
import time
import uuid
from pathlib import Path

import gevent
from locust import HttpUser, between, constant_pacing, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery.common import hidden_fields  # noqa: E402

PASSWORD = os.environ.get("BENCH_PASSWORD", "")
USERS = os.environ.get("BENCH_USERS", "").split(",")
STATION = os.environ.get("BENCH_STATION", "")
PUBLIC_CODE = os.environ.get("BENCH_PUBLIC_CODE", "")
BURST = int(os.environ.get("BENCH_BURST", "100"))
PUBLIC_USERS = int(os.environ.get("BENCH_PUBLIC_USERS", "10"))
BURST_AT = float(os.environ.get("BENCH_BURST_AT", "0"))
BURST_LOG = os.environ.get("BENCH_BURST_LOG", "")
CAPTCHA = "K7M3P"  # bench/battery/wsgi.py

_names = itertools.cycle(USERS)
_submitted = itertools.count()
_addresses = itertools.count(1)
_done = itertools.count(1)


def _post(user: HttpUser, url: str, data: dict, name: str, headers=None) -> None:
    """POST a form; anything but the redirect after a successful save is a failure."""
    with user.client.post(
        url,
        data,
        headers={**(headers or {}), "Referer": f"{user.host}{url}"},
        allow_redirects=False,
        name=name,
        catch_response=True,
    ) as response:
        if response.status_code != 302:
            response.failure(f"answered {response.status_code}")


class StaffUser(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.ids: list[str] = []
        page = self.client.get("/accounts/login/", name="staff: login page")
        _post(
            self,
            "/accounts/login/",
            {"username": next(_names), "password": PASSWORD, **hidden_fields(page.text)},
            "staff: log in",
        )

    @task(4)
    def case_list(self) -> None:
        page = self.client.get("/petitions/", name="staff: case list")
        self.ids = re.findall(r'href="/petitions/(\d+)/"', page.text) or self.ids

    @task(4)
    def case_page(self) -> None:
        if self.ids:
            self.client.get(f"/petitions/{random.choice(self.ids)}/", name="staff: case page")

    @task(1)
    def search(self) -> None:
        self.client.get("/petitions/", params={"q": "路灯"}, name="staff: search")

    @task(1)
    def record_opinion(self) -> None:
        page = self.client.get("/petitions/new/", name="staff: new case form")
        _post(
            self,
            "/petitions/new/",
            {
                **hidden_fields(page.text),
                "station": STATION,
                "channel": "phone",
                "title": "来电反映：井盖缺失",
                "content": "路口井盖缺失，夜间有安全隐患。",
                "constituent_name": "韩梅",
                "phone": "13700003333",
                "idempotency_key": uuid.uuid4().hex,
            },
            "staff: record a case",
        )


class PublicUser(HttpUser):
    fixed_count = PUBLIC_USERS
    wait_time = constant_pacing(1)  # one submission a second per user, if the server keeps up

    def on_start(self) -> None:
        gevent.sleep(max(0.0, BURST_AT - time.time()))

    @task
    def submit(self) -> None:
        if next(_submitted) >= BURST:
            raise StopUser()
        n = next(_addresses)
        # Loopback-range addresses in the header only (nothing is sent to them).
        headers = {"X-Forwarded-For": f"127.{n // 65536 % 250 + 2}.{n // 256 % 256}.{n % 256}"}
        url = f"/p/s/{PUBLIC_CODE}/"
        page = self.client.get(url, headers=headers, name="public: form")
        _post(
            self,
            url,
            {
                **hidden_fields(page.text),
                "title": "小区路灯不亮",
                "content": "幸福里小区3幢门口的路灯坏了两周。",
                "constituent_name": "张三丰",
                "phone": "13812348000",
                "consent": "on",
                "captcha": CAPTCHA,
            },
            "public: submit",
            headers,
        )
        if next(_done) == BURST and BURST_LOG:
            with open(BURST_LOG, "w") as f:
                f.write(f"{time.time() - BURST_AT:.1f}\n")
