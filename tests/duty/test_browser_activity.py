"""Real Chromium: a deputy files a self-reported activity with a photo (a first try without a
date is refused and keeps what was typed), the station's staff member approves it, and the
deputy sees it approved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from duty.choices import ActivityStatus
from duty.models import Activity
from tests.browser import log_in
from tests.images import picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_deputy_files_an_activity_and_the_station_approves_it(
    browser, live_server, world, tmp_path
):
    from playwright.sync_api import expect

    base = live_server.url
    photo = tmp_path / "视察现场.png"
    photo.write_bytes(picture("PNG", (120, 90)))

    deputy = browser.new_context().new_page()
    log_in(deputy, base, world.user("deputy").username)
    deputy.goto(base + reverse("duty:activities"))
    with deputy.expect_navigation():
        deputy.click("#file-activity")
    deputy.select_option("#id_kind", "inspection")
    deputy.fill("#id_title", "老旧小区加装电梯视察")
    deputy.fill("#id_body", "走访幸福小区3幢，听取12户居民意见。")
    deputy.set_input_files("#id_evidence", str(photo))
    with deputy.expect_navigation():
        deputy.click("#submit-activity")
    # No date: refused, and what was typed is still there.
    expect(deputy.locator("#id_title")).to_have_value("老旧小区加装电梯视察")
    expect(deputy.locator("#id_body")).to_have_value("走访幸福小区3幢，听取12户居民意见。")
    deputy.fill("#id_date", timezone.localdate().isoformat())
    deputy.set_input_files("#id_evidence", str(photo))
    with deputy.expect_navigation():
        deputy.click("#submit-activity")
    expect(deputy.locator(".alert-success")).to_contain_text("your station will review it")
    expect(deputy.locator("[data-status]")).to_have_attribute("data-status", "submitted")
    activity = Activity.objects.get()
    assert activity.files.count() == 1

    staff = browser.new_context().new_page()
    log_in(staff, base, world.user("staff").username)
    staff.goto(base + reverse("duty:activities") + "?status=submitted")
    with staff.expect_navigation():
        staff.click("text=老旧小区加装电梯视察")
    expect(staff.locator("img.duty-thumb")).to_have_count(1)
    with staff.expect_navigation():
        staff.locator("form[data-action='approve'] button").click()
    expect(staff.locator(".alert-success")).to_contain_text("now counts")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED

    deputy.reload()
    expect(deputy.locator("[data-status]")).to_have_attribute("data-status", "approved")
