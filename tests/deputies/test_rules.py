"""The six reception rules quoted in the seeds, against dates listed by hand for 2025."""

import datetime as dt

import pytest
from django.utils import translation

from core.models import Holiday
from core.workdays import Calendar
from deputies.roster.choices import HolidayPolicy
from deputies.roster.models import ReceptionDay
from deputies.roster.services import days_generate
from deputies.rules import describe, rule_dates

from .roster_factories import rule

D = dt.date
YEAR = (D(2025, 1, 1), D(2025, 12, 31))


def _days(start: D, end: D) -> list[D]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


# The 2025 public holidays and make-up working days (State Council notice), listed by hand.
OFF_2025 = (
    [D(2025, 1, 1)]
    + _days(D(2025, 1, 28), D(2025, 2, 4))
    + _days(D(2025, 4, 4), D(2025, 4, 6))
    + _days(D(2025, 5, 1), D(2025, 5, 5))
    + _days(D(2025, 5, 31), D(2025, 6, 2))
    + _days(D(2025, 10, 1), D(2025, 10, 8))
)
WORK_2025 = [D(2025, 1, 26), D(2025, 2, 8), D(2025, 4, 27), D(2025, 9, 28), D(2025, 10, 11)]
CAL_2025 = Calendar({**{d: False for d in OFF_2025}, **{d: True for d in WORK_2025}})


def dates(r) -> list[D]:
    return rule_dates(r, *YEAR, CAL_2025)


def test_it_puts_every_month_on_the_20th(world):
    r = rule(world.station_a, "monthly_20")
    assert dates(r) == [D(2025, m, 20) for m in range(1, 13)]


def test_it_keeps_to_odd_months_on_the_20th(world):
    r = rule(world.station_a, "odd_months_20")
    assert dates(r) == [
        D(2025, 1, 20),
        D(2025, 3, 20),
        D(2025, 5, 20),
        D(2025, 7, 20),
        D(2025, 9, 20),
        D(2025, 11, 20),
    ]


FRIDAYS_2025 = [
    D(2025, 1, 3),
    D(2025, 1, 10),
    D(2025, 1, 17),
    D(2025, 1, 24),
    D(2025, 1, 31),
    D(2025, 2, 7),
    D(2025, 2, 14),
    D(2025, 2, 21),
    D(2025, 2, 28),
    D(2025, 3, 7),
    D(2025, 3, 14),
    D(2025, 3, 21),
    D(2025, 3, 28),
    D(2025, 4, 4),
    D(2025, 4, 11),
    D(2025, 4, 18),
    D(2025, 4, 25),
    D(2025, 5, 2),
    D(2025, 5, 9),
    D(2025, 5, 16),
    D(2025, 5, 23),
    D(2025, 5, 30),
    D(2025, 6, 6),
    D(2025, 6, 13),
    D(2025, 6, 20),
    D(2025, 6, 27),
    D(2025, 7, 4),
    D(2025, 7, 11),
    D(2025, 7, 18),
    D(2025, 7, 25),
    D(2025, 8, 1),
    D(2025, 8, 8),
    D(2025, 8, 15),
    D(2025, 8, 22),
    D(2025, 8, 29),
    D(2025, 9, 5),
    D(2025, 9, 12),
    D(2025, 9, 19),
    D(2025, 9, 26),
    D(2025, 10, 3),
    D(2025, 10, 10),
    D(2025, 10, 17),
    D(2025, 10, 24),
    D(2025, 10, 31),
    D(2025, 11, 7),
    D(2025, 11, 14),
    D(2025, 11, 21),
    D(2025, 11, 28),
    D(2025, 12, 5),
    D(2025, 12, 12),
    D(2025, 12, 19),
    D(2025, 12, 26),
]


def test_it_finds_every_friday_evening_and_skips_holidays(world):
    r = rule(world.station_a, "friday_evening", holiday_policy=HolidayPolicy.SKIP)
    holidays = {D(2025, 1, 31), D(2025, 4, 4), D(2025, 5, 2), D(2025, 10, 3)}
    assert len(FRIDAYS_2025) == 52
    assert dates(r) == [d for d in FRIDAYS_2025 if d not in holidays]
    assert (r.start_time, r.end_time) == (dt.time(18, 30), dt.time(20, 30))


def test_it_finds_the_first_and_third_monday_and_moves_holidays(world):
    r = rule(world.station_a, "first_third_monday", holiday_policy=HolidayPolicy.NEXT_WORKDAY)
    assert dates(r) == [
        D(2025, 1, 6),
        D(2025, 1, 20),
        D(2025, 2, 5),  # 3 February is in the Spring Festival holiday (28 Jan–4 Feb) -> Wednesday
        D(2025, 2, 17),
        D(2025, 3, 3),
        D(2025, 3, 17),
        D(2025, 4, 7),
        D(2025, 4, 21),
        D(2025, 5, 6),  # 5 May is Labour Day holiday -> Tuesday
        D(2025, 5, 19),
        D(2025, 6, 3),  # 2 June is the Dragon Boat holiday -> Tuesday
        D(2025, 6, 16),
        D(2025, 7, 7),
        D(2025, 7, 21),
        D(2025, 8, 4),
        D(2025, 8, 18),
        D(2025, 9, 1),
        D(2025, 9, 15),
        D(2025, 10, 9),  # 6 October is in the National Day week (1–8) -> Thursday 9
        D(2025, 10, 20),
        D(2025, 11, 3),
        D(2025, 11, 17),
        D(2025, 12, 1),
        D(2025, 12, 15),
    ]


def test_it_finds_the_15th_of_each_quarters_last_month(world):
    r = rule(world.station_a, "quarter_end_15")
    # 15 March 2025 is a Saturday but no public holiday: kept.
    assert dates(r) == [D(2025, 3, 15), D(2025, 6, 15), D(2025, 9, 15), D(2025, 12, 15)]


def test_it_finds_every_other_friday(world):
    r = rule(
        world.station_a,
        "every_other_friday",
        dtstart=D(2025, 1, 3),
        holiday_policy=HolidayPolicy.KEEP,
    )
    assert dates(r) == FRIDAYS_2025[::2]
    assert dates(r)[:4] == [D(2025, 1, 3), D(2025, 1, 17), D(2025, 1, 31), D(2025, 2, 14)]
    assert len(dates(r)) == 26


@pytest.mark.parametrize(
    "policy, expected",
    [
        (HolidayPolicy.SKIP, [D(2025, m, 1) for m in (3, 4, 7, 8, 9, 11, 12)]),
        (
            HolidayPolicy.NEXT_WORKDAY,
            [
                D(2025, 1, 2),
                D(2025, 2, 5),
                D(2025, 3, 1),
                D(2025, 4, 1),
                D(2025, 5, 6),
                D(2025, 6, 3),
                D(2025, 7, 1),
                D(2025, 8, 1),
                D(2025, 9, 1),
                D(2025, 10, 9),
                D(2025, 11, 1),
                D(2025, 12, 1),
            ],
        ),
        (HolidayPolicy.KEEP, [D(2025, m, 1) for m in range(1, 13)]),
    ],
)
def test_it_applies_the_holiday_policy_to_national_day(world, policy, expected):
    r = rule(world.station_a, "monthly_20", bymonthday="1", holiday_policy=policy)
    assert dates(r) == expected


def test_it_reads_holidays_from_the_holiday_table(world):
    Holiday.objects.filter(date__year=2025).delete()
    Holiday.objects.bulk_create(
        [Holiday(date=d, name="国庆节") for d in _days(D(2025, 10, 1), D(2025, 10, 8))]
    )
    r = rule(
        world.station_a,
        "monthly_20",
        bymonthday="1",
        bymonth="10",
        holiday_policy=HolidayPolicy.NEXT_WORKDAY,
    )
    days_generate(
        actor=None,
        station=world.station_a,
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        today=D(2025, 1, 1),
    )
    assert list(ReceptionDay.objects.filter(rule=r).values_list("date", flat=True)) == [
        D(2025, 10, 9)
    ]


def test_it_describes_rules_in_words(world):
    with translation.override("en"):
        _check_descriptions(world)


def _check_descriptions(world):
    assert describe(rule(world.station_a, "first_third_monday")) == (
        "On the first and third Monday of every month, 08:30–11:30"
    )
    assert describe(rule(world.station_a, "quarter_end_15")) == (
        "On day 15 in March, June, September and December, 09:00–11:30"
    )
    assert (
        describe(rule(world.station_a, "every_other_friday")) == "Every other Friday, 14:30–17:00"
    )
    assert describe(rule(world.station_a, "friday_evening")) == "Every Friday, 18:30–20:30"
