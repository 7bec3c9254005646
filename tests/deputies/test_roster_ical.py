"""The personal iCalendar feed: parses, Asia/Shanghai times, stable UIDs, revocable token."""

import datetime as dt

from django.urls import reverse
from icalendar import Calendar

from deputies.roster.models import DeputyCalendarToken, Duty
from deputies.roster.services import calendar_token_for

from .roster_factories import day, future


def test_it_serves_duties_as_icalendar(client, world):
    d = day(world.station_a, future(4), "18:30", "20:30", topic="乡长有约")
    duty = Duty.objects.create(day=d, deputy=world.deputy_dave)
    Duty.objects.create(day=day(world.station_b, future(4)), deputy=world.deputy_peggy)
    token = calendar_token_for(world.deputy_dave)
    response = client.get(reverse("roster:ical", args=[token.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1  # peggy's duty is not in dave's feed
    event = events[0]
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert (start.date(), start.time()) == (d.date, dt.time(18, 30))
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert "乡长有约" in str(event["summary"])
    assert list(cal.walk("VTIMEZONE"))
    # The UID is stable from one fetch to the next.
    again = Calendar.from_ical(client.get(reverse("roster:ical", args=[token.token])).content)
    assert (
        str(next(iter(again.walk("VEVENT")))["uid"])
        == str(event["uid"])
        == f"duty-{duty.pk}@127.0.0.1"
    )


def test_it_answers_404_to_a_revoked_token(as_role, world):
    old = calendar_token_for(world.deputy_dave)
    client = as_role("deputy")
    response = client.post(reverse("roster:ical_rotate"))
    assert response.status_code == 302
    new = DeputyCalendarToken.objects.get(deputy=world.deputy_dave, revoked_at__isnull=True)
    assert new.token != old.token
    client.logout()
    assert client.get(reverse("roster:ical", args=[old.token])).status_code == 404
    assert client.get(reverse("roster:ical", args=[new.token])).status_code == 200
    assert client.get(reverse("roster:ical", args=["guessed-token"])).status_code == 404


def test_it_shows_the_subscription_link_on_my_schedule(as_role, world):
    client = as_role("deputy")
    token = calendar_token_for(world.deputy_dave)
    body = client.get(reverse("roster:my_schedule")).content.decode()
    assert token.token in body
