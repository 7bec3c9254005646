"""How a period is cut into whole months (monthly rollup) and odd days (daily rollup)."""

import datetime as dt

from reports.rollups import month_end
from reports.selectors import _split

D = dt.date


def test_it_reads_a_whole_year_as_twelve_months_and_no_days():
    # The last month of every period used to fall back to the daily rollup: month_end() was
    # given the month's last day and answered the end of the NEXT month.
    assert _split(D(2025, 1, 1), D(2025, 12, 31)) == ((D(2025, 1, 1), D(2025, 12, 31)), [])


def test_it_reads_a_quarter_ending_in_a_short_month_as_whole_months():
    assert _split(D(2024, 12, 1), D(2025, 2, 28)) == ((D(2024, 12, 1), D(2025, 2, 28)), [])


def test_it_keeps_the_odd_days_at_either_end():
    assert _split(D(2025, 1, 31), D(2025, 4, 15)) == (
        (D(2025, 2, 1), D(2025, 3, 31)),
        [(D(2025, 1, 31), D(2025, 1, 31)), (D(2025, 4, 1), D(2025, 4, 15))],
    )


def test_it_reads_days_only_for_a_period_inside_one_month():
    assert _split(D(2025, 3, 3), D(2025, 3, 20)) == (None, [(D(2025, 3, 3), D(2025, 3, 20))])


def test_month_end_of_any_day_is_the_last_day_of_that_month():
    assert month_end(D(2026, 12, 31)) == D(2026, 12, 31)
    assert month_end(D(2025, 1, 31)) == D(2025, 1, 31)
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
