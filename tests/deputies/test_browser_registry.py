"""Real Chromium: staff find a deputy by pinyin, add a station, register one; a deputy's own page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from deputies.models import Deputy
from tests.browser import log_in


def pick_station(page, station) -> None:
    """Type the station's name into the station type-ahead and pick it from the list."""
    field = page.locator('[data-typeahead*="/station/"] [data-typeahead-input]')
    field.fill(station.name)
    option = page.locator('[data-typeahead*="/station/"] [role=option]', has_text=station.name)
    option.first.dispatch_event("mousedown")
    expect(field).to_have_value(station.name)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("registry_env"),
]


def test_it_walks_staff_through_search_assignment_and_registration(
    browser, live_server, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = browser.new_page()
    log_in(page, live_server.url, "staff")
    page.click("nav >> text=Registry")  # the registry pages sit in one menu
    page.click(f"a.dropdown-item[href='{reverse('deputies:list')}']")
    page.fill("input[name=q]", "dw")
    page.click("form >> text=Filter")
    page.click("table >> text=戴伟")
    assert "138****8000" in page.inner_text("#deputy-phone")
    page.click("text=Show full number")
    assert "13800138000" in page.inner_text("#deputy-phone")

    # A second station: room A-1 below the staff's own station.
    pick_station(page, world.room_a1)
    page.click("text=Add assignment")
    page.wait_for_load_state()
    assert "is now assigned to 新兴社区联络室" in page.inner_text("main")
    # Asking for a second primary station is refused with a message.
    pick_station(page, world.room_a1)
    page.check("input[name=is_primary]")
    page.click("text=Add assignment")
    page.wait_for_load_state()
    assert "already has a current primary station" in page.inner_text("main")

    # Register a deputy: a bad phone keeps the input and explains the error.
    page.goto(live_server.url + reverse("deputies:create"))
    pick_station(page, world.station_a)
    page.fill("input[name=name]", "张三")
    page.select_option("select[name=gender]", "M")
    page.select_option("select[name=level]", "district")
    page.fill("input[name=term]", "9")
    page.fill("input[name=phone]", "12345")
    page.click("main button:has-text('Save')")
    page.wait_for_load_state()
    assert "Enter an 11-digit mobile number" in page.inner_text("main")
    assert page.input_value("input[name=name]") == "张三"
    page.fill("input[name=phone]", "13712345678")
    page.click("main button:has-text('Save')")
    page.wait_for_load_state()
    assert "Deputy 张三 registered." in page.inner_text("main")
    assert Deputy.objects.get(name="张三").assignments.get().station == world.station_a
    page.close()


def test_it_lands_a_deputy_on_their_own_page_and_shows_the_public_page(browser, live_server, world):
    page = browser.new_page()
    log_in(page, live_server.url, "deputy")
    # The login lands on the to-do home (petitions/todo), which links the deputy's schedule.
    page.wait_for_url(f"**{reverse('todo:home')}")
    page.goto(live_server.url + reverse("deputies:me"))
    assert "Welcome, 戴伟" in page.inner_text("main")
    qr = page.locator("main img[src*='qr.svg']")
    qr.wait_for()
    assert qr.evaluate("img => img.naturalWidth") > 50
    page.goto(live_server.url + reverse("deputies:public", args=[world.deputy_dave.public_code]))
    text = page.inner_text("body")
    assert "戴伟" in text and "新兴街道人大代表联络站" in text and "8000" not in text
    page.close()
