"""Reception entry: station preselected, deputies on duty pre-ticked and sorted by pinyin with a
search box, the constituent's earlier cases found by phone number (masked)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override
from playwright.sync_api import expect

from deputies.roster.models import Duty, ReceptionDay
from tests import factories as tf
from tests.browser import log_in

from .factories import category, make_petition

FORM = reverse("petitions:reception_create")
HISTORY = reverse("petitions:phone_history")


def _more_deputies(world):
    """Two more deputies at station A: 安娜 (an na) and 朱强 (zhu qiang)."""
    out = []
    for name in ("朱强", "安娜"):
        d = tf.DeputyFactory(name=name)
        tf.StationAssignmentFactory(
            deputy=d, station=world.station_a, start_date=dt.date(2022, 1, 1)
        )
        out.append(d)
    return out


def _on_duty_today(world, deputy):
    day = ReceptionDay.objects.create(
        station=world.station_a,
        date=timezone.localdate(),
        start_time=dt.time(9),
        end_time=dt.time(11),
    )
    Duty.objects.create(day=day, deputy=deputy)


def test_the_station_is_preselected_and_todays_deputies_on_duty_are_ticked(as_role, world):
    zhu, an = _more_deputies(world)
    _on_duty_today(world, zhu)
    body = as_role("staff").get(FORM).content.decode()
    assert re.search(rf'<option value="{world.station_a.pk}" selected>', body)
    ticked = re.findall(r'name="deputies" value="(\d+)"[^>]*checked', body)
    assert ticked == [str(zhu.pk)]


def test_deputies_are_sorted_by_pinyin_and_searchable(as_role, world):
    _more_deputies(world)
    body = as_role("staff").get(FORM).content.decode()
    # 安娜 (an), 戴伟 (dai), 朱强 (zhu)
    assert body.index("安娜") < body.index("戴伟") < body.index("朱强")
    assert 'data-filter-checkboxes="div_id_deputies"' in body
    assert re.search(r'data-search="朱强 [^"]*zhu', body)
    assert "js/reception.js" in body


def test_without_a_duty_today_nobody_is_ticked(as_role, world):
    body = as_role("staff").get(FORM).content.decode()
    assert not re.findall(r'name="deputies" value="\d+"[^>]*checked', body)
    assert re.search(rf'<option value="{world.station_a.pk}" selected>', body)


def test_earlier_cases_are_found_by_phone_and_shown_masked(as_role, world):
    old = make_petition(world, "closed", title="路灯不亮", phone="13812345678")
    make_petition(world, "submitted", title="别人的事", phone="13900000000")
    response = as_role("staff").get(HISTORY, {"phone": "138 1234 5678"})
    body = response.content.decode()
    assert "路灯不亮" in body and old.get_absolute_url() in body
    assert "别人的事" not in body
    assert "13812345678" not in body and "138****5678" in body


def test_earlier_cases_of_another_station_stay_hidden(as_role, world):
    make_petition(world, "submitted", title="路灯不亮", phone="13812345678")
    body = as_role("far_staff").get(HISTORY, {"phone": "13812345678"}).content.decode()
    assert "路灯不亮" not in body


def test_a_short_or_bad_number_finds_nothing(as_role, world):
    make_petition(world, "submitted", title="路灯不亮", phone="13812345678")
    for phone in ("138", "abc", ""):
        assert "路灯不亮" not in as_role("staff").get(HISTORY, {"phone": phone}).content.decode()


def test_the_entry_speaks_chinese(as_role, world, settings):
    make_petition(world, "submitted", title="路灯不亮", phone="13812345678")
    settings.LANGUAGE_CODE = "zh-hans"
    with override("zh-hans"):
        form = as_role("staff").get(FORM).content.decode()
        history = as_role("staff").get(HISTORY, {"phone": "13812345678"}).content.decode()
    assert "查找代表" in form and "该号码此前的件" in history


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_entering_opinions_at_a_reception_in_the_browser(browser, live_server, world):
    category()
    zhu, an = _more_deputies(world)
    make_petition(world, "closed", title="路灯不亮", phone="13812345678")
    page = browser.new_page()
    base = live_server.url
    log_in(page, base, world.user("staff").username)
    page.goto(base + FORM)
    # The search box narrows the deputies by pinyin.
    page.fill("input[data-filter-checkboxes]", "zhu")
    expect(page.locator(f"input[name=deputies][value='{zhu.pk}']")).to_be_visible()
    expect(page.locator(f"input[name=deputies][value='{an.pk}']")).to_be_hidden()
    page.fill("input[data-filter-checkboxes]", "")
    expect(page.locator(f"input[name=deputies][value='{an.pk}']")).to_be_visible()
    page.check(f"input[name=deputies][value='{world.deputy_dave.pk}']")
    with page.expect_navigation():
        page.click("main form button.btn-primary")
    reception = world.station_a.receptions.get()
    # Typing a known number shows the earlier case, masked, with a link.
    page.fill("#id_constituent_name", "王芳")
    page.fill("#id_phone", "13812345678")
    history = page.locator("[data-phone-history]")
    expect(history).to_contain_text("路灯不亮")
    expect(history).to_contain_text("138****5678")
    page.fill("#id_title", "河道清淤")
    page.fill("#id_content", "河道淤积，请清理。")
    page.click("#opinion-form button.btn-primary")
    page.locator("#opinion-rows").get_by_text("河道清淤").wait_for()
    # The cursor is back in the first field, ready for the next opinion.
    expect(page.locator("#id_constituent_name")).to_be_focused()
    assert reception.petitions.count() == 1
