"""Tracking-code and rating-code brute force from one address, through the real views.

    DATABASE_URL=… REDIS_URL=… .venv/bin/python bench/battery/brute.py --guesses 10000

A guesser at one address sends well-formed random tracking codes to the tracking form, then
random six-digit rating codes to the rating form of a case awaiting its rating (a real code was
sent to the constituent first). Meanwhile, from another address, a constituent looks up their
own case and must still find it. Figures: hits (must be 0) and the share of guesses answered
429 (≥ 99 %). ``tests/petitions/test_battery_brute.py`` runs a small version in the suite.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.battery import common  # noqa: E402


def guess_tracking_codes(guesses: int, *, attacker: str, victim_code: str, victim: str) -> dict:
    from django.test import Client

    from petitions.models import TRACKING_CODE_LENGTH, Petition, new_tracking_code

    assert len(new_tracking_code()) == TRACKING_CODE_LENGTH
    c = Client(REMOTE_ADDR=attacker)
    hits = throttled = errors = 0
    start = time.monotonic()
    for _ in range(guesses):
        code = new_tracking_code()
        response = c.get("/p/track/", {"code": code})
        if response.status_code == 302:
            hits += Petition.objects.filter(tracking_code=code).exists()
        elif response.status_code == 429:
            throttled += 1
        elif response.status_code >= 500:
            errors += 1
    rate = guesses / (time.monotonic() - start)
    other = Client(REMOTE_ADDR=victim)
    found = other.get("/p/track/", {"code": victim_code}, follow=True)
    return {
        "hits": hits,
        "throttled": throttled,
        "errors": errors,
        "rate": rate,
        "victim_ok": found.status_code == 200 and victim_code in found.content.decode(),
    }


def guess_rating_codes(guesses: int, *, attacker: str, code: str, victim: str) -> dict:
    """Random six-digit codes at the rating form of one case; then its owner asks for a code
    from another address (and would receive it)."""
    from django.test import Client

    from petitions.models import Petition, Rating

    petition = Petition.objects.get(tracking_code=code)
    url = f"/p/track/{code}/rate/"
    owner = Client(REMOTE_ADDR=victim)
    owner.post(url, {"send_code": "1"})  # the real code is on its way to the phone
    c = Client(REMOTE_ADDR=attacker)
    throttled = errors = 0
    for _ in range(guesses):
        response = c.post(
            url, {"rating_code": f"{random.randrange(10**6):06d}", "satisfaction": "satisfied"}
        )
        throttled += response.status_code == 429
        errors += response.status_code >= 500
    petition.refresh_from_db()
    hits = Rating.objects.filter(petition=petition).count()
    page = owner.get(url)
    return {
        "hits": hits,
        "throttled": throttled,
        "errors": errors,
        "status": petition.status,
        "victim_ok": page.status_code == 200 and 'name="rating_code"' in page.content.decode(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guesses", type=int, default=10000)
    args = parser.parse_args()
    common.setup_django()
    from petitions.choices import Status
    from petitions.models import Petition

    net = random.randrange(2, 250)  # fresh addresses: the limits last a minute and an hour
    attacker, victim = f"127.{net}.0.66", f"127.{net}.0.77"
    victim_code = Petition.objects.order_by("?").values_list("tracking_code", flat=True).first()
    common.say(f"{args.guesses} tracking-code guesses from one address")
    r = guess_tracking_codes(
        args.guesses, attacker=attacker, victim_code=victim_code, victim=victim
    )
    share = r["throttled"] / args.guesses
    common.result(
        f"tracking-code brute force, {args.guesses} guesses",
        f"{r['hits']} hits, {share:.2%} throttled (429) at {r['rate']:.0f} guesses/s, "
        f"{r['errors']} errors; another "
        f"address's valid lookup {'works' if r['victim_ok'] else 'FAILS'}",
        "0 hits, ≥ 99 % throttled, lookup works",
        r["hits"] == 0 and share >= 0.99 and r["errors"] == 0 and r["victim_ok"],
    )
    rateable = (
        Petition.objects.filter(status=Status.FEEDBACK_GIVEN)
        .exclude(phone="")
        .values_list("tracking_code", flat=True)
        .first()
    )
    if rateable is None:
        common.result("rating-code brute force", "no case awaits a rating", "—", False)
        return
    common.say(f"{args.guesses} rating-code guesses from one address")
    r = guess_rating_codes(args.guesses, attacker=attacker, code=rateable, victim=victim)
    share = r["throttled"] / args.guesses
    common.result(
        f"rating-code brute force, {args.guesses} guesses",
        f"{r['hits']} hits (case still {r['status']}), {share:.2%} throttled, {r['errors']} "
        f"errors; the owner's rating form from another address "
        f"{'works' if r['victim_ok'] else 'FAILS'}",
        "0 hits, ≥ 99 % throttled, owner can rate",
        r["hits"] == 0 and share >= 0.99 and r["errors"] == 0 and r["victim_ok"],
    )


if __name__ == "__main__":
    main()
