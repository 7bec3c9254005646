"""Rollups equal the figures computed straight from the petitions, whatever the loop did."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petitions.choices import Satisfaction, Tier
from petitions.models import Petition
from reports import rollups, selectors

from .rollup_oracle import case_counters
from .support import Loop, at

pytestmark = pytest.mark.django_db

ACTIONS = [
    "accept",
    "decline",
    "triage",
    "assign",
    "receive",
    "reply",
    "feedback",
    "satisfied",
    "unsatisfied",
    "auto_close",
    "merge",
    "retriage",
]


def raw_figures(region, start: dt.date, end: dt.date) -> dict:
    """The dashboard counters computed in Python from the petition rows (an independent oracle:
    each case's counters as ``rollup_oracle.case_counters`` writes them out)."""
    out = dict.fromkeys(rollups.COUNTERS, 0)
    for p in Petition.objects.filter(station__region__path__startswith=region.path):
        if start <= timezone.localtime(p.submitted_at).date() <= end:
            for k, v in case_counters(p).items():
                out[k] += v
    return out


def _try(loop: Loop, action: str, p: Petition, other: Petition):
    """Take the action if the loop allows it now; illegal moves are simply skipped."""
    from django.core.exceptions import ValidationError

    from petitions.services import PetitionError

    steps = {
        "accept": loop.accept,
        "decline": loop.decline,
        "assign": loop.assign,
        "receive": loop.receive,
        "reply": loop.reply,
        "feedback": loop.feedback,
        "auto_close": loop.auto_close,
        "triage": lambda x: loop.triage(x, Tier.STREET),
        "retriage": lambda x: loop.triage(x, Tier.SUGGESTION),
        "satisfied": lambda x: loop.rate(x, Satisfaction.SATISFIED),
        "unsatisfied": lambda x: loop.rate(x, Satisfaction.UNSATISFIED),
        "merge": lambda x: loop.merge(x, other),
    }
    try:
        steps[action](p)
    except (PetitionError, ValidationError):
        pass


def _sorted(rows) -> list:
    """Rows sorted with None (no category) first; plain sorted() cannot compare None and int."""
    return sorted(
        rows, key=lambda row: tuple((v is not None, v if v is not None else 0) for v in row)
    )


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    script=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(ACTIONS), st.integers(1, 28)),
        min_size=1,
        max_size=25,
    ),
    apply_every=st.integers(1, 10),
)
def test_it_keeps_rollups_equal_to_the_raw_figures(world, script, apply_every):
    with transaction.atomic():
        loop = Loop(world)
        days = [1, 10, 31, 15]
        cases = []
        for i, day in enumerate(days):
            with at(3 if day != 31 else 1, day):  # one case submitted in January
                cases.append(loop.submit(f"case {i}"))
        for n, (which, action, day) in enumerate(script):
            with at(4, day):
                p = Petition.objects.get(pk=cases[which].pk)
                _try(loop, action, p, cases[(which + 1) % len(cases)])
            if n % apply_every == 0:
                rollups.apply_new_events(batch=4)
        rollups.apply_new_events(batch=4)
        today = timezone.localdate()
        for period in [
            (dt.date(2026, 3, 1), dt.date(2026, 3, 31)),
            (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
            # whole months from the monthly rollup, the odd days at both ends from the daily one
            (dt.date(2026, 2, 15), dt.date(2026, 4, 10)),
            (dt.date(2026, 3, 5), dt.date(2026, 3, 20)),
        ]:
            got = selectors.dashboard(*period, region=world.city)["figures"]
            assert got.counts == raw_figures(world.city, *period)
            assert got.overdue_now == selectors.overdue_qs(today, region=world.city).count()
        months = _sorted(
            rollups.PetitionMonthlyRollup.objects.values_list(
                "month", "area_path", "whole", "category_id", "tier", *rollups.COUNTERS
            )
        )
        before = _sorted(
            rollups.PetitionDailyRollup.objects.values_list(
                "day", "station_id", "category_id", "tier", *rollups.COUNTERS
            )
        )
        rollups.reconcile(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        after = _sorted(
            rollups.PetitionDailyRollup.objects.values_list(
                "day", "station_id", "category_id", "tier", *rollups.COUNTERS
            )
        )
        assert after == before
        assert months == _sorted(
            rollups.PetitionMonthlyRollup.objects.values_list(
                "month", "area_path", "whole", "category_id", "tier", *rollups.COUNTERS
            )
        )
        transaction.set_rollback(True)
