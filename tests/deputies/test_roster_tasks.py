"""The daily beat task keeps 12 months of reception days generated, and is idempotent."""

from django.utils import timezone

from deputies.roster import tasks
from deputies.roster.models import ReceptionDay
from deputies.roster.schedules import SCHEDULES

from .roster_factories import rule


def test_it_keeps_the_next_twelve_months_generated(world):
    rule(world.station_a, "monthly_20", dtstart=timezone.localdate().replace(day=1))
    created = tasks.extend_reception_days.delay().get()
    assert created in (12, 13)
    assert ReceptionDay.objects.filter(station=world.station_a).count() == created
    assert tasks.extend_reception_days.delay().get() == 0


def test_it_declares_its_schedules():
    names = {s.task for s in SCHEDULES}
    assert names == {
        "deputies.roster.tasks.extend_reception_days",
        "deputies.roster.tasks.send_duty_reminders",
    }
