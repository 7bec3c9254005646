"""Real Chromium: a district clerk raises the monthly-opinions quota of their district (a first
try with a negative number is refused and keeps what was typed), and the deputy's duty year
page then shows the new target."""

from __future__ import annotations

import pytest
from django.urls import reverse

from duty.models import QuotaRule
from tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_raises_the_opinions_quota_and_the_deputy_sees_the_new_target(
    browser, live_server, world
):
    from playwright.sync_api import expect

    QuotaRule.objects.create(region=world.province, item="opinion", quantity=1)
    base = live_server.url
    deputy = browser.new_context().new_page()
    log_in(deputy, base, world.user("deputy").username)
    deputy.goto(base + reverse("duty:my_year"))
    opinion = deputy.locator("tr[data-item='opinion'] [data-quota]")
    expect(opinion).to_have_text("1 / each month")

    clerk = browser.new_context().new_page()
    log_in(clerk, base, world.user("clerk").username)
    clerk.goto(base + reverse("duty:quotas"))
    with clerk.expect_navigation():
        clerk.click("text=南湖区")
    row = clerk.locator("tr[data-item='opinion']")
    expect(row.locator("[data-source]")).to_contain_text("inherited from 浙江省")
    clerk.fill("#id_opinion", "-3")
    with clerk.expect_navigation():
        clerk.click("#save-quotas")
    expect(row).to_contain_text("cannot be negative")
    expect(clerk.locator("#id_opinion")).to_have_value("-3")
    clerk.fill("#id_opinion", "3")
    with clerk.expect_navigation():
        clerk.click("#save-quotas")
    expect(clerk.locator(".alert-success")).to_contain_text("Quota rules of 南湖区 saved")
    expect(row.locator("[data-in-force]")).to_have_text("3")
    expect(row.locator("[data-source]")).to_contain_text("own rule")
    expect(clerk.locator("#last-change")).to_contain_text("Report public opinion inherited → 3")

    deputy.reload()
    expect(opinion).to_have_text("3 / each month")
