"""Real Chromium: a deputy on a phone sees the next duty; staff auto-fill and save a roster."""

import datetime as dt

import pytest
from django.urls import reverse

from deputies.roster.models import Duty
from tests.browser import log_in

from .roster_factories import day, deputy_at, future

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2030


def test_it_shows_a_deputy_the_next_duty_on_a_phone(browser, live_server, world):
    nxt = day(world.station_a, future(3), "18:30", "20:30", topic="夜间接待")
    Duty.objects.create(day=nxt, deputy=world.deputy_dave)
    Duty.objects.create(day=day(world.station_a, future(40)), deputy=world.deputy_dave)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    log_in(page, live_server.url, "deputy")
    page.goto(live_server.url + reverse("roster:my_schedule"))
    card = page.locator("#next-duty")
    card.wait_for()
    text = card.inner_text()
    assert f"{nxt.date:%Y-%m-%d}" in text and "18:30" in text and world.station_a.name in text
    box = card.bounding_box()
    assert box and box["width"] <= 390, "the card fits the phone screen"
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_it_lets_staff_auto_fill_and_save_a_roster(browser, live_server, world):
    for month in range(1, 13):
        day(world.station_a, dt.date(YEAR, month, 20))
    deputy_at(world.station_a, "钱多")
    page = browser.new_page()
    log_in(page, live_server.url, "staff")
    page.goto(
        live_server.url + reverse("roster:autofill", args=[world.station_a.pk]) + f"?year={YEAR}"
    )
    page.locator("#proposal").wait_for()
    assert page.locator("#shortfall").count() == 0
    page.click("#save-roster")
    page.wait_for_url(
        f"**{reverse('roster:station_roster', args=[world.station_a.pk])}?year={YEAR}"
    )
    assert Duty.objects.filter(day__station=world.station_a).count() == 12
    table = page.inner_text("#roster-table")
    assert "戴伟" in table and "钱多" in table
    page.close()
