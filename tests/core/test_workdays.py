import datetime as dt

from core.workdays import Calendar

D = dt.date


def test_it_skips_the_national_day_holiday_and_counts_the_make_up_saturday(db):
    cal = Calendar()
    # 2025-09-30 (Tue) + 1 working day: Oct 1-8 are off, Oct 9 (Thu) is the next working day.
    assert cal.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    # Saturday 2025-10-11 is a make-up working day (调休).
    assert cal.is_workday(D(2025, 10, 11))
    assert cal.add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)
    # Sunday 2025-09-28 is a make-up working day before the holiday.
    assert cal.is_workday(D(2025, 9, 28))


def test_it_skips_the_spring_festival_2026(db):
    cal = Calendar()
    assert not cal.is_workday(D(2026, 2, 17))  # 春节 (Lunar New Year's Day)
    assert cal.is_workday(D(2026, 2, 14))  # make-up Saturday
    start = D(2026, 2, 13)  # Friday before the holiday
    end = cal.add_working_days(start, 1)
    assert end == D(2026, 2, 14)


def test_working_days_between_counts_like_add_working_days(db):
    cal = Calendar()
    start = D(2025, 9, 26)
    for n in range(0, 30):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n


def test_without_holidays_it_counts_plain_weekdays():
    cal = Calendar(overrides={})
    assert cal.add_working_days(D(2024, 1, 5), 1) == D(2024, 1, 8)  # Fri -> Mon
    assert cal.add_working_days(D(2024, 1, 8), -1) == D(2024, 1, 5)
