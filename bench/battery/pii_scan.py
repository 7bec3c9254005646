"""Run-wide scan for personal numbers: logs, outbox emails/SMS/in-app bodies and error pages.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/battery/pii_scan.py

A short scripted run in a child process with the project's own logging settings (stderr to a
file) and a real Celery worker (its log to another file): public submissions carrying a mobile
number and an ID number, staff searching by phone, the loop walked through the services (the
worker delivers every SMS and notice), error pages (unknown tracking code shaped like a phone, a
Host header shaped like a phone, a NUL byte). Then every log line, every outbox row's subject
and body written during the run and every error page is searched for 11-digit mobiles
(1[3-9]xxxxxxxxx) and 18-digit ID numbers. The SMS address field itself is not scanned: it is
where the number has to be, and neither are ``<input value=…>`` attributes of a page: they
echo the request's own URL or search text back to the person who typed it.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery import common  # noqa: E402

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
ECHO = re.compile(r'<input[^>]*\svalue="[^"]*"[^>]*>')
PAGES = common.OUT / "pii-pages"
PHONES = ["13812348000", "13912345678", "15011112222"]
ID = "11010519491231002X"


def hits(text: str) -> list[str]:
    return MOBILE.findall(text) + ID_NUMBER.findall(text)


def child(n: int) -> None:
    """The scripted run (in its own process, so its logging is the project's)."""
    common.setup_django()
    import logging

    logging.getLogger("django.request").setLevel(logging.WARNING)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from petitions import captcha, services
    from petitions.choices import FeedbackMethod, Tier, Urgency
    from petitions.models import Category, Petition
    from stations.models import Department, Station

    captcha.new_answer = lambda: "K7M3P"
    PAGES.mkdir(parents=True, exist_ok=True)
    User = get_user_model()
    staff = User.objects.get(username="staff")
    station = Station.objects.filter(staff_posts__user=staff).first()
    net = int(time.time()) % 240 + 2
    codes = []
    for i in range(n):
        c = Client(REMOTE_ADDR=f"127.{net}.9.{i + 1}")
        url = f"/p/s/{station.public_code}/"
        page = c.get(url)
        response = c.post(
            url,
            {
                "title": f"楼道灯坏了 {i}",
                "content": f"请回电 {PHONES[i % 3]}，身份证 {ID}。",
                "constituent_name": "张三丰",
                "phone": PHONES[i % 3],
                "id_number": ID,
                "address": "新兴街道幸福里小区3幢501室",
                "consent": "on",
                "captcha": "K7M3P",
                **common.hidden_fields(page.content.decode()),
            },
        )
        assert response.status_code == 302, response.status_code
        codes.append(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    s = Client(REMOTE_ADDR="127.0.0.9")
    s.force_login(staff)
    pages = {
        "search": s.get("/petitions/", {"q": PHONES[0]}),
        "not-found-code": Client().get(f"/p/track/{PHONES[1]}/"),
        "not-found-page": Client().get(f"/no-such-page-{PHONES[2]}/"),
        "bad-host": Client().get("/", HTTP_HOST=f"{PHONES[0]}.example.org"),
        "nul": Client().get("/p/track/", {"code": "\x00" + PHONES[1]}),
    }
    for name, response in pages.items():
        (PAGES / f"{name}-{response.status_code}.html").write_bytes(response.content)
    handler = User.objects.get(username="handler")
    department = Department.objects.filter(handlers__user=handler).first()
    for code in codes:
        p = Petition.objects.get(tracking_code=code)
        p = services.petition_accept(actor=staff, petition=p, note=f"已电话告知 {PHONES[0]}")
        p = services.petition_triage(
            actor=staff,
            petition=p,
            category=Category.objects.first(),
            urgency=Urgency.NORMAL,
            tier=Tier.STREET,
        )
        p = services.petition_assign(actor=staff, petition=p, lead_department=department)
        p = services.petition_receive(actor=handler, petition=p)
        p = services.petition_reply(actor=handler, petition=p, body="路灯已于本周更换完毕。")
        services.petition_give_feedback(actor=staff, petition=p, method=FeedbackMethod.PHONE)
    print("child done", len(codes), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=10)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.submissions)
        return
    common.setup_django()
    from django.db.models import Max

    from core.models import OutboxMessage, OutboxStatus

    common.OUT.mkdir(parents=True, exist_ok=True)
    first = (OutboxMessage.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    worker_log = common.OUT / "worker.log"
    worker_log.unlink(missing_ok=True)
    web_log = common.OUT / "pii-web.log"
    worker = common.start_worker(pool="prefork", concurrency=2)
    try:
        common.wait_ready(worker)
        with web_log.open("wb") as log:
            subprocess.run(
                [sys.executable, __file__, "--child", "--submissions", str(args.submissions)],
                # Error pages as deployed; the flood limit (tested elsewhere) raised for the run.
                env={
                    **os.environ,
                    "LOG_LEVEL": "INFO",
                    "DEBUG": "0",
                    "PUBLIC_SUBMIT_STATION_RATE": "100000",
                },
                stdout=log,
                stderr=log,
                check=True,
                timeout=600,
            )
        rows = OutboxMessage.objects.filter(pk__gte=first)
        deadline = time.monotonic() + 120
        while rows.exclude(status=OutboxStatus.SENT).exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        unsent = rows.exclude(status=OutboxStatus.SENT).count()
    finally:
        common.stop(worker)
    found: list[tuple[str, str]] = []
    lines = 0
    for path in (web_log, worker_log):
        for line in path.read_text(errors="replace").splitlines():
            lines += 1
            found += [(path.name, h) for h in hits(line)]
    messages = list(rows.values_list("channel", "subject", "body"))
    for channel, subject, body in messages:
        found += [(f"outbox {channel}", h) for h in hits(f"{subject} {body}")]
    pages = sorted(PAGES.glob("*.html"))
    for page in pages:
        # Input values echo the request's own URL or search text back to the person who typed
        # it (the search box keeps the query; the language form keeps ``next``): not a leak.
        html = ECHO.sub("", page.read_text(errors="replace"))
        found += [(page.name, h) for h in hits(html)]
    sms = sum(1 for m in messages if m[0] == "sms")
    for where, what in found[:10]:
        common.say(f"    found {what[:3]}… in {where}")
    common.result(
        "PII scan (11-digit mobiles, 18-digit ID numbers)",
        f"{len(found)} found in {lines} log lines (web + worker), {len(messages)} outbox "
        f"bodies ({sms} SMS; {unsent} unsent) and {len(pages)} error/search pages",
        "0",
        not found and unsent == 0 and lines > 0 and sms > 0,
    )


if __name__ == "__main__":
    main()
