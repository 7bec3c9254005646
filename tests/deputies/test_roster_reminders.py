"""Duty reminders: the day before and the morning of, in-app and SMS, each once."""

import datetime as dt
from zoneinfo import ZoneInfo

from core.models import Channel, OutboxMessage
from deputies.roster import tasks
from deputies.roster.models import Duty
from deputies.roster.services import duty_reminders_send

from .roster_factories import day

SH = ZoneInfo("Asia/Shanghai")


def test_it_reminds_the_day_before_once(world):
    duty = Duty.objects.create(
        day=day(world.station_a, dt.date(2030, 5, 20)), deputy=world.deputy_dave
    )
    now = dt.datetime(2030, 5, 19, 10, 5, tzinfo=SH)
    assert duty_reminders_send(now) == 1
    assert duty_reminders_send(now + dt.timedelta(hours=1)) == 0
    rows = OutboxMessage.objects.filter(dedupe_key__startswith=f"duty-remind:{duty.pk}:day_before")
    assert sorted(rows.values_list("channel", flat=True)) == [Channel.IN_APP, Channel.SMS]
    assert rows.get(channel=Channel.SMS).address == "13800138000"
    assert rows.get(channel=Channel.IN_APP).user == world.user("deputy")


def test_it_reminds_on_the_morning_of_the_duty(world):
    duty = Duty.objects.create(
        day=day(world.station_a, dt.date(2030, 5, 20)), deputy=world.deputy_dave
    )
    assert duty_reminders_send(dt.datetime(2030, 5, 20, 6, 5, tzinfo=SH)) == 0  # too early
    assert duty_reminders_send(dt.datetime(2030, 5, 20, 7, 5, tzinfo=SH)) == 1
    assert (
        OutboxMessage.objects.filter(
            dedupe_key__startswith=f"duty-remind:{duty.pk}:morning"
        ).count()
        == 2
    )


def test_it_sends_once_when_the_task_runs_twice(world):
    from django.utils import timezone

    now = timezone.localtime()
    # A duty tomorrow and one later today (if the day still has time left).
    tomorrow = day(world.station_a, now.date() + dt.timedelta(days=1))
    Duty.objects.create(day=tomorrow, deputy=world.deputy_dave)
    first = tasks.send_duty_reminders.delay().get()
    second = tasks.send_duty_reminders.delay().get()
    assert second == 0
    assert first == (1 if now.hour >= 9 else 0)
    assert OutboxMessage.objects.filter(dedupe_key__startswith="duty-remind:").count() == 2 * first
