"""Real Chromium on a phone: a constituent opens the station page, books a deputy, gets the
receipt; the staff see the request and confirm it by SMS."""

import pytest
from django.urls import reverse

from core.models import OutboxMessage
from tests.petitions.public_support import CAPTCHA, known_captcha
from ties.models import Appointment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_constituent_books_a_deputy_on_a_phone(browser, live_server, world, monkeypatch):
    known_captcha(monkeypatch)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(live_server.url + reverse("stations:public", args=[world.station_a.public_code]))
    page.click("#book-link")
    page.wait_for_url("**/m/b/**")
    assert _fits_the_screen(page)
    page.set_viewport_size({"width": 360, "height": 740})
    assert _fits_the_screen(page)

    page.check(f"input[name=with_whom][value=d{world.deputy_dave.pk}]")
    page.fill("#id_topic", "想和代表谈谈小区停车难")
    page.fill("#id_preferred_time", "工作日上午")
    page.fill("#id_name", "李建国")
    page.fill("#id_phone", "13900001111")
    # Without consent the browser keeps the form (the field is required) and nothing is sent.
    page.fill("#id_captcha", CAPTCHA)
    page.click("#book-button")
    assert "/booked/" not in page.url
    assert not Appointment.objects.exists()
    page.check("#id_consent")
    page.fill("#id_captcha", CAPTCHA)
    page.click("#book-button")
    page.wait_for_url("**/booked/")
    receipt = page.inner_text("#booked")
    assert "139****1111" in receipt and "13900001111" not in page.content()
    assert _fits_the_screen(page)
    appointment = Appointment.objects.get()
    assert appointment.deputy == world.deputy_dave
    context.close()

    # Station staff confirm it; the constituent gets the SMS.
    from ties import services

    services.appointment_confirm(
        actor=world.user("staff"), appointment=appointment, message="请于周三上午9点到站"
    )
    assert OutboxMessage.objects.filter(channel="sms", address="13900001111").exists()
