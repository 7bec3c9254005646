"""Loading a year's holiday notice: coverage, warnings, provisional marks and the recompute.

The 2027 days below are test data, not the State Council's notice (not published yet).
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from core import workdays
from core.checks import holiday_calendar_coverage
from core.models import CalendarYear, Holiday, Notification
from core.services import CalendarError, calendar_year_load, parse_holiday_table
from deputies.roster import services as roster_services
from deputies.roster.choices import DayStatus, HolidayPolicy
from deputies.roster.models import Duty, ReceptionDay, ReceptionDayEvent
from petitions.choices import Channel, EventKind, Status
from petitions.models import PetitionEvent
from tests.deputies import roster_factories as rf
from tests.petitions.factories import make_petition

D = dt.date
TABLE_2027 = """date,kind,name
2027-01-01,休,元旦
2027-01-02,休,元旦
2027-01-03,休,元旦
"""


@pytest.fixture(autouse=True)
def _december_2026(monkeypatch):
    """Today is 2026-12-01; years 2020–2026 are loaded, 2027 is not."""
    real = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, tz=None: real(value, tz) if value else D(2026, 12, 1),
    )
    workdays.forget_covered_years()
    yield
    workdays.forget_covered_years()


@pytest.fixture
def only_to_2026(db):
    CalendarYear.objects.filter(year__gt=2026).delete()
    Holiday.objects.filter(date__year__gt=2026).delete()
    workdays.forget_covered_years()


def _load_2027(actor=None):
    return calendar_year_load(
        actor=actor, year=2027, days=parse_holiday_table(TABLE_2027, year=2027)
    )


def test_a_missing_year_counts_new_years_day_as_working_and_is_provisional(only_to_2026):
    cal = workdays.Calendar()
    assert cal.add_working_days(D(2026, 12, 30), 2) == D(2027, 1, 1)  # the defect, made visible
    assert workdays.is_provisional(D(2027, 1, 1))
    assert not workdays.is_provisional(D(2026, 12, 31))
    assert workdays.coverage_gap() == 2027
    [warning] = holiday_calendar_coverage(databases=["default"])
    assert warning.id == "core.W001" and "2027" in warning.msg


def test_loading_the_notice_recomputes_open_deadlines_with_a_timeline_event(
    world, only_to_2026, django_capture_on_commit_callbacks
):
    p = make_petition(world, Status.ASSIGNED, channel=Channel.ONLINE)
    p.deadline = D(2027, 1, 1)  # 2026-12-30 + 2 working days on the calendar without 2027
    p.save(update_fields=["deadline"])
    version = p.version
    with django_capture_on_commit_callbacks(execute=True):
        entry = _load_2027()
    p.refresh_from_db()
    assert p.deadline == D(2027, 1, 4)
    assert p.version == version + 1
    event = PetitionEvent.objects.filter(petition=p, kind=EventKind.NOTE).last()
    assert "2027-01-01 → 2027-01-04" in event.note and not event.is_public
    assert "1 deadlines recomputed" in entry.summary
    assert not workdays.is_provisional(D(2027, 1, 4))
    assert holiday_calendar_coverage(databases=["default"]) == []


def test_a_reception_day_on_a_new_holiday_moves_with_its_duty_and_the_deputy_is_told(
    world, as_role, only_to_2026, django_capture_on_commit_callbacks
):
    rule = rf.rule(world.station_a, "monthly_20", bymonthday="1")
    roster_services.days_generate(
        actor=None, station=world.station_a, start=D(2027, 1, 1), end=D(2027, 1, 31)
    )
    day = ReceptionDay.objects.get(rule=rule)
    assert day.date == D(2027, 1, 1)
    Duty.objects.create(day=day, deputy=world.deputy_dave)
    with django_capture_on_commit_callbacks(execute=True):
        _load_2027()
    day.refresh_from_db()
    assert (day.date, day.status) == (D(2027, 1, 4), DayStatus.PLANNED)
    assert day.duties.get().deputy == world.deputy_dave
    assert ReceptionDayEvent.objects.get(day=day).to_date == D(2027, 1, 4)
    told = Notification.objects.get(user=world.deputy_dave.user)
    assert "2027-01-01" in told.title and "2027-01-04" in told.title
    january = ReceptionDay.objects.filter(rule=rule, date__month=1, date__year=2027)
    assert list(january.values_list("date", flat=True)) == [D(2027, 1, 4)]
    html = as_role("staff").get(reverse("roster:day_detail", args=[day.pk])).content.decode()
    assert "Moved after the 2027 holidays were loaded: 2027-01-01 is a holiday" in html


def test_a_rule_that_skips_holidays_cancels_the_day(world, only_to_2026):
    rf.rule(world.station_a, "monthly_20", bymonthday="1", holiday_policy=HolidayPolicy.SKIP)
    roster_services.days_generate(
        actor=None, station=world.station_a, start=D(2027, 1, 1), end=D(2027, 1, 31)
    )
    _load_2027()
    day = ReceptionDay.objects.get(date=D(2027, 1, 1))
    assert day.status == DayStatus.CANCELLED
    assert ReceptionDayEvent.objects.get(day=day).to_date is None


def test_the_package_is_used_when_it_knows_the_year_and_refused_when_not(only_to_2026):
    entry = calendar_year_load(actor=None, year=2026)
    assert entry.source == "package"
    assert Holiday.objects.filter(date=D(2026, 10, 1), is_workday=False).exists()
    with pytest.raises(CalendarError, match="does not know 2027"):
        calendar_year_load(actor=None, year=2027)


@pytest.mark.parametrize(
    "table, message",
    [
        ("2027-13-01,休,元旦", "Line 1"),
        ("2027-01-01,maybe,元旦", "kind must be"),
        ("2026-12-31,休,元旦", "is not in 2027"),
        ("2027-01-01,休\n2027-01-01,休", "listed twice"),
    ],
)
def test_a_bad_table_is_refused_naming_the_line(table, message):
    with pytest.raises(CalendarError, match=message):
        parse_holiday_table(table, year=2027)


def test_a_make_up_working_day_must_be_a_weekend_day(only_to_2026):
    with pytest.raises(CalendarError, match="Saturday or Sunday"):
        calendar_year_load(
            actor=None, year=2027, days=parse_holiday_table("2027-01-05,班", year=2027)
        )


def test_the_command_loads_a_table_file_and_explains_a_missing_one(only_to_2026, tmp_path):
    with pytest.raises(CommandError, match="does not know 2027"):
        call_command("load_holidays", "2027")
    path = tmp_path / "2027.csv"
    path.write_text(TABLE_2027, encoding="utf-8")
    call_command("load_holidays", "2027", file=str(path))
    assert CalendarYear.objects.filter(year=2027, source="entered").exists()
    assert not workdays.Calendar().is_workday(D(2027, 1, 1))


def test_the_admin_page_loads_a_typed_table_and_keeps_bad_input(world, as_role, only_to_2026):
    client = as_role("admin")
    url = reverse("admin:core_calendaryear_load")
    assert client.get(url).status_code == 200
    response = client.post(url, {"year": 2027, "table": "2027-01-01,holiday,元旦\n2027-02-30,休"})
    assert response.status_code == 200
    assert (
        "Line 2" in response.content.decode() and "2027-01-01,holiday" in response.content.decode()
    )
    response = client.post(url, {"year": 2027, "table": TABLE_2027})
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).loaded_by == world.user("admin")


def test_only_administrators_reach_the_load_page(as_role, only_to_2026):
    response = as_role("clerk").get(reverse("admin:core_calendaryear_load"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_administrators_and_clerks_see_the_banner_until_the_year_is_loaded(
    as_role, client, world, only_to_2026, django_capture_on_commit_callbacks
):
    banner = "The public holidays of 2027 are not loaded yet"
    assert banner in as_role("clerk").get(reverse("reports:overview")).content.decode()
    assert banner not in as_role("staff").get(reverse("petitions:list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _load_2027()
    assert banner not in as_role("clerk").get(reverse("reports:overview")).content.decode()


def test_a_deadline_in_an_uncovered_year_is_shown_as_provisional(as_role, world, only_to_2026):
    p = make_petition(world, Status.ASSIGNED)
    p.deadline = D(2027, 1, 8)
    p.save(update_fields=["deadline"])
    html = as_role("staff").get(reverse("petitions:detail", args=[p.pk])).content.decode()
    assert 'class="badge text-bg-warning provisional"' in html


def test_administrators_are_told_in_november_until_next_year_is_loaded(
    world, only_to_2026, django_capture_on_commit_callbacks
):
    from core import tasks

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.warn_calendar_coverage() == 1
    assert Notification.objects.filter(user=world.user("admin"), title__contains="2027").exists()
    assert tasks.warn_calendar_coverage() == 0  # once a week, not once per run
    _load_2027()
    Notification.objects.all().delete()
    assert tasks.warn_calendar_coverage() == 0
