"""Tracking-code and rating-code brute force from one address (small version of
bench/battery/brute.py, which sends 10,000 of each): no hit, nearly all refused with 429, and a
constituent at another address still finds and rates their case."""

from bench.battery.brute import guess_rating_codes, guess_tracking_codes
from petitions import public_views
from petitions.choices import Status

from .public_support import submit, to_feedback_given

GUESSES = 200


def test_guessing_tracking_codes_finds_nothing_and_is_throttled(client, world):
    petition = submit(world)
    r = guess_tracking_codes(
        GUESSES, attacker="127.0.66.1", victim_code=petition.tracking_code, victim="127.0.77.1"
    )
    assert r["hits"] == 0 and r["errors"] == 0
    # 30 misses a minute get an answer; the run may straddle one minute boundary.
    allowed = 2 * public_views.LOOKUP_MISSES_PER_MINUTE
    assert r["throttled"] >= GUESSES - allowed
    assert r["victim_ok"]


def test_guessing_rating_codes_rates_nothing_and_the_owner_still_can(client, world):
    petition = to_feedback_given(world, submit(world))
    r = guess_rating_codes(
        GUESSES, attacker="127.0.66.1", code=petition.tracking_code, victim="127.0.77.1"
    )
    assert r["hits"] == 0 and r["errors"] == 0
    assert r["status"] == Status.FEEDBACK_GIVEN
    assert r["throttled"] == GUESSES - public_views.RATE_FAILURES_PER_HOUR
    assert r["victim_ok"]
