"""The load driver of ``bench/web.py``: locust as a library, one page at a time.

    python bench/web_locust.py plan.json > results.json

Not run by hand: ``bench/web.py`` writes the plan (host, session cookies of the logged-in
roles, the page paths, users, seconds, think time) and reads the figures back. Each page is
measured twice against the same gunicorn:

- **saturated**: ``users`` users with no think time, so the server is always busy; its req/s
  divided by ``/healthz``'s req/s is the page's "ratio to the trivial view";
- **paced**: ``users`` users who wait ``think`` seconds (uniform in ``think`` × [0.5, 1.5])
  between requests, the way people use the site; its p50/p95/p99 is the latency at that load.

Every answer but the page's expected status (200, or 302 after a saved POST) is an error.
Before a page is loaded, one request to it is timed: a page slower than ``probe_limit`` seconds
is reported with that time and not loaded (50 users queued behind a 30-second page would keep
the workers busy for minutes after locust stopped). After each run the driver waits until
``/healthz`` answers promptly again, so one page's backlog does not count against the next.
The users send the session cookie made by the real login form (``bench/web.py``) and keep no
cookie jar, so every request is the same request (a jar would collect the messages cookie of
each saved POST). Uses locust's FastHttpUser: locust runs on the same cores as the server, and
the faster client leaves it more of them.
"""

from __future__ import annotations

import json
import random
import sys
import time
import urllib.request
import uuid

import gevent
from locust import FastHttpUser, between, constant, task
from locust.env import Environment

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench.battery.common import hidden_fields  # noqa: E402

# Seconds after the users start before the statistics are reset (connections made, caches warm).
WARMUP = 2.0


def _check(response, expected: int) -> None:
    if response.status_code != expected:
        response.failure(f"answered {response.status_code}")


def user_class(plan: dict, page: dict, *, paced: bool) -> type[FastHttpUser]:
    """A locust user that requests ``page`` (a GET, a POST of the opinion form, or the mix)."""
    think = float(plan["think"])
    wait = between(think * 0.5, think * 1.5) if paced else constant(0)
    cookies = plan["cookies"]

    class PageUser(FastHttpUser):
        host = plan["host"]
        wait_time = wait
        network_timeout = 60.0
        connection_timeout = 60.0

        def on_start(self) -> None:
            # One fixed Cookie header per request instead of a jar (see the module docstring).
            self.client.client.cookiejar = None

        def _headers(self, role: str | None) -> dict[str, str]:
            return {"Cookie": cookies[role]} if role else {}

        def _get(self, p: dict) -> None:
            with self.client.get(
                p["path"], headers=self._headers(p["role"]), name=p["name"], catch_response=True
            ) as response:
                _check(response, 200)

        def _post(self, p: dict) -> None:
            data = {**p["data"], **plan["form"], "idempotency_key": uuid.uuid4().hex}
            with self.client.post(
                p["form"],
                data=data,
                headers={**self._headers(p["role"]), "Referer": plan["host"] + p["form"]},
                name=p["name"],
                allow_redirects=False,
                catch_response=True,
            ) as response:
                _check(response, 302)

        @task
        def request(self) -> None:
            if page["kind"] == "get":
                self._get(page)
            elif page["kind"] == "post":
                self._post(page)
            else:
                target = plan["pages"][random.choice(page["pick"])]
                (self._post if target["kind"] == "post" else self._get)(target)

    PageUser.__name__ = f"{page['name']}-{'paced' if paced else 'saturated'}"
    return PageUser


def _open(plan: dict, path: str, role: str | None, timeout: float):
    headers = {"Cookie": plan["cookies"][role]} if role else {}
    request = urllib.request.Request(plan["host"] + path, headers=headers)
    return urllib.request.urlopen(request, timeout=timeout)


def opinion_form(plan: dict) -> dict[str, str]:
    """The hidden fields of the opinion form (its CSRF token), read once: the token is valid for
    every POST of that session, and 50 users each fetching the form would be measured too."""
    post = plan["post"]
    return hidden_fields(_open(plan, post["form"], post["role"], 120).read().decode())


def probe(plan: dict, page: dict) -> float:
    """Seconds one request to the page takes (its form for the POST, one of its pages for the
    mix), or the time it was given up after."""
    if page["kind"] == "mix":
        return (
            max(probe(plan, plan["pages"][name]) for name in set(page["pick"]))
            if page["pick"]
            else 0.0
        )
    path = page["form"] if page["kind"] == "post" else page["path"]
    started = time.monotonic()
    try:
        _open(plan, path, page["role"], float(plan["probe_limit"]) * 5).read()
    except OSError:
        pass  # an error or a time-out: the time taken says enough
    return time.monotonic() - started


def drain(plan: dict, limit: float = 180.0) -> None:
    """Wait until /healthz answers within half a second (the workers have no backlog)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(plan["host"] + "/healthz", timeout=limit).read()
        except OSError:
            time.sleep(0.5)
            continue
        if time.monotonic() - started < 0.5:
            return


def measure(plan: dict, page: dict, *, paced: bool) -> dict:
    env = Environment(user_classes=[user_class(plan, page, paced=paced)])
    runner = env.create_local_runner()
    users = int(plan["users"])
    runner.start(users, spawn_rate=users)
    gevent.sleep(WARMUP)
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(float(plan["seconds"]))
    elapsed = time.monotonic() - started
    runner.stop()
    runner.quit()
    drain(plan)
    if page["kind"] == "mix":
        s = env.stats.total
    else:
        s = env.stats.get(page["name"], "POST" if page["kind"] == "post" else "GET")
    return {
        "page": page["name"],
        "mode": "paced" if paced else "saturated",
        "requests": s.num_requests,
        "failures": s.num_failures,
        "rps": s.num_requests / elapsed if elapsed else 0.0,
        "p50": s.get_response_time_percentile(0.5) if s.num_requests else None,
        "p95": s.get_response_time_percentile(0.95) if s.num_requests else None,
        "p99": s.get_response_time_percentile(0.99) if s.num_requests else None,
        "errors": sorted({str(e.error) for e in env.stats.errors.values()})[:3],
    }


def main() -> None:
    plan = json.loads(open(sys.argv[1]).read())
    plan["form"] = opinion_form(plan)
    out = []
    too_slow: set[str] = set()
    for name in plan["order"]:
        page = plan["pages"][name]
        if page["kind"] == "mix":
            # The mix leaves out the pages too slow to load on their own (named in the table).
            page["pick"] = [p for p in page["pick"] if p not in too_slow]
        took = probe(plan, page)
        if took > float(plan["probe_limit"]):
            too_slow.add(name)
            for mode in plan["modes"]:
                out.append({"page": name, "mode": mode, "skipped": took})
            print(json.dumps(out[-1], ensure_ascii=False), file=sys.stderr, flush=True)
            continue
        for paced in [mode == "paced" for mode in plan["modes"]]:
            out.append(measure(plan, page, paced=paced))
            print(json.dumps(out[-1], ensure_ascii=False), file=sys.stderr, flush=True)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
