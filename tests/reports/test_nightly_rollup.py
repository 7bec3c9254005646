"""The nightly run (``rollups.refresh_changed``) leaves the rollups exactly as a full rebuild
would, after any mix of changes the minute job missed: new cases, state changes, changes of
cases around midnight and month ends, deletions, a case changed twice, a late commit.

It replaces the daily rows of the changed station-days and adds the difference to the monthly
and whole-subtree rows, so it must add every change once and only once. Runs on SQLite and,
with DATABASE_URL, on PostgreSQL (the delta is applied with SQL written for both)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from petitions.choices import Satisfaction, Tier
from petitions.models import Petition, PetitionEvent, Reception
from petitions.services import PetitionError
from reports import rollups
from reports.models import (
    PetitionMonthlyRollup,
    ReceptionDailyRollup,
    RollupDelta,
    StaleRollupKey,
    Watermark,
)

from .rollup_oracle import build_rollup_cases, expected, stored
from .support import Loop, at

pytestmark = pytest.mark.django_db

# Moments a change can happen at: a month's last minute and the next month's first (a
# different UTC day), mid-month, and a leap of months.
MOMENTS = [(4, 30, 23, 59), (5, 1, 0, 1), (5, 15, 10, 0), (5, 31, 23, 58), (6, 1, 0, 2), (8, 3)]
STEPS = [
    "accept",
    "decline",
    "triage",
    "retriage",
    "assign",
    "receive",
    "reply",
    "feedback",
    "satisfied",
    "unsatisfied",
    "auto_close",
    "merge",
]


@pytest.fixture
def settled(world):
    """The rollup data set, applied by the minute job and the nightly run: every mark at the
    end, the rollups equal to the cases."""
    cases = build_rollup_cases(world)
    rollups.apply_new_events()
    rollups.refresh_changed()
    assert stored() == expected()
    return cases


def _skip_minute_job() -> None:
    """As if the minute job had skipped everything so far (its marks moved past it)."""
    top = PetitionEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    Watermark.objects.filter(name=rollups.EVENTS_WATERMARK).update(last_id=top)
    last = Reception.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    Watermark.objects.filter(name=rollups.RECEPTIONS_WATERMARK).update(last_id=last)


def _step(loop: Loop, step: str, p: Petition, other: Petition) -> None:
    """Take one step of the loop if it is allowed now; a refused step changes nothing."""
    steps = {
        "accept": loop.accept,
        "decline": loop.decline,
        "triage": lambda x: loop.triage(x, Tier.STREET),
        "retriage": lambda x: loop.triage(x, Tier.SUGGESTION),
        "assign": loop.assign,
        "receive": loop.receive,
        "reply": loop.reply,
        "feedback": loop.feedback,
        "satisfied": lambda x: loop.rate(x, Satisfaction.SATISFIED),
        "unsatisfied": lambda x: loop.rate(x, Satisfaction.UNSATISFIED),
        "auto_close": loop.auto_close,
        "merge": lambda x: loop.merge(x, other),
    }
    try:
        steps[step](p)
    except (PetitionError, ValidationError):
        pass


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_it_equals_a_full_rebuild_after_random_changes(settled, world, seed):
    rng = random.Random(seed)
    loops = [
        Loop(world),
        Loop(world, station=world.room_a1),
        Loop(world, station=world.station_b, staff="far_staff", handler="other_handler"),
    ]
    changes = rng.randint(12, 30)
    for _ in range(changes):
        loop = rng.choice(loops)
        with at(*rng.choice(MOMENTS)):
            kind = rng.choices(["new", "step", "delete", "reception"], weights=[3, 8, 1, 1])[0]
            mine = list(Petition.objects.filter(station=loop.station).order_by("pk"))
            if kind == "new" or not mine:
                loop.submit(f"新意见 {rng.random():.6f}")
            elif kind == "step":
                p = rng.choice(mine)
                _step(loop, rng.choice(STEPS), p, rng.choice(mine))
                # The same case again, in the same night.
                _step(loop, rng.choice(STEPS), Petition.objects.get(pk=p.pk), rng.choice(mine))
            elif kind == "delete":
                try:
                    rng.choice(mine).delete()
                except ProtectedError:
                    pass
            else:
                Reception.objects.create(
                    station=loop.station, held_at=timezone.now(), constituents_count=7
                )
        if rng.random() < 0.3:
            # Sometimes the minute job ran in between, sometimes it skipped the events.
            rollups.apply_new_events() if rng.random() < 0.5 else _skip_minute_job()
    _skip_minute_job()

    rollups.refresh_changed()

    nightly = stored()
    rollups.rebuild_all()
    assert nightly == stored() == expected()
    assert not RollupDelta.objects.exists()
    assert not StaleRollupKey.objects.exists()


def test_it_adds_the_change_to_the_months_without_recomputing_them(settled, world):
    # A wrong monthly row in the month of the changed case, but of another tier: the old nightly
    # run recomputed the whole (district, month) from the days; now only the changed rows move.
    march = dict(month=dt.date(2026, 3, 1), area_path=world.district_x.path, whole=False)
    other = PetitionMonthlyRollup.objects.filter(**march).exclude(category=None).first()
    assert other is not None
    PetitionMonthlyRollup.objects.filter(pk=other.pk).update(basic=other.basic + 40)
    with at(5, 10):
        Loop(world).decline(Petition.objects.get(pk=settled["p7"].pk))  # a March case
    _skip_minute_job()

    rollups.refresh_changed()

    assert PetitionMonthlyRollup.objects.get(pk=other.pk).basic == other.basic + 40
    want = expected()
    got = stored()
    assert got["daily"] == want["daily"]
    key = (dt.date(2026, 3, 1), world.district_x.path, None, "")
    assert got["leaf"][key] == want["leaf"][key]
    assert got["whole"][key] == want["whole"][key]


def test_a_change_committed_after_the_nightly_mark_is_caught_the_next_night(settled, world):
    # A slow transaction took its event id before the last nightly run read the table, and
    # committed after it: its id is below the nightly mark.
    with at(5, 10):
        Loop(world).decline(Petition.objects.get(pk=settled["p7"].pk))
        late = Reception.objects.create(
            station=world.station_a, held_at=timezone.now(), constituents_count=12
        )
    _skip_minute_job()
    top = PetitionEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert top is not None
    Watermark.objects.filter(name=rollups.NIGHTLY_WATERMARK).update(last_id=top + 3)
    Watermark.objects.filter(name=rollups.NIGHTLY_RECEPTIONS_WATERMARK).update(last_id=late.pk + 1)

    # Without re-reading ids below the mark, the change would be lost…
    rollups.refresh_changed(overlap=0, reception_overlap=0)
    assert stored() != expected()
    Watermark.objects.filter(name=rollups.NIGHTLY_WATERMARK).update(last_id=top + 3)
    Watermark.objects.filter(name=rollups.NIGHTLY_RECEPTIONS_WATERMARK).update(last_id=late.pk + 1)

    # …the default overlap reads it again.
    done = rollups.refresh_changed()

    assert done["reception_keys"] >= 1
    assert stored() == expected()


def _collected(month: dt.date, area: str) -> int:
    rows = PetitionMonthlyRollup.objects.filter(month=month, area_path=area, whole=True)
    return sum(r.collected for r in rows)


def test_a_deleted_case_and_reception_leave_the_figures_within_a_minute(settled, world):
    march, x = dt.date(2026, 3, 1), world.district_x.path
    with at(3, 5, 15):  # a reception on P1's day at P1's station: the same key
        Reception.objects.create(
            station=world.station_a, held_at=timezone.now(), constituents_count=9
        )
    rollups.apply_new_events()
    before = _collected(march, x)
    assert ReceptionDailyRollup.objects.filter(constituents=9).exists()

    Petition.objects.get(pk=settled["p1"].pk).delete()
    Reception.objects.get(constituents_count=9).delete()
    assert StaleRollupKey.objects.count() == 2
    rollups.apply_new_events()

    assert _collected(march, x) == before - 1
    assert not ReceptionDailyRollup.objects.filter(constituents=9).exists()
    assert stored() == expected()
    assert not StaleRollupKey.objects.exists()


def test_the_nightly_run_repairs_a_deletion_the_minute_job_missed(settled, world):
    april, area = dt.date(2026, 4, 1), rollups.area_of(world.station_b.region.path)
    before = _collected(april, area)
    Petition.objects.get(pk=settled["late"].pk).delete()  # the last minute of April
    _skip_minute_job()

    done = rollups.refresh_changed()

    assert done["deleted_keys"] == 1
    assert _collected(april, area) == before - 1
    assert stored() == expected()
