"""Real Chromium: station staff log a reception with two opinions and take one to its slip."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from petitions.choices import Status
from petitions.models import Petition, Reception
from tests.browser import log_in

from .factories import category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_action(page, name: str) -> None:
    """Unfold an action of the detail page's accordion (only the first one starts open)."""
    form = page.locator(f"form.action-form[data-action='{name}']")
    if not form.is_visible():
        page.click(f"button[data-bs-target='#action-{name}']")
        form.wait_for(state="visible")


def _submit_action(page, name: str) -> None:
    form = page.locator(f"form.action-form[data-action='{name}']")
    with page.expect_navigation():
        form.locator("button.btn-primary").click()


def test_it_walks_staff_from_reception_to_the_assignment_slip(browser, live_server, world):
    cat = category()
    page = browser.new_page()
    base = live_server.url
    log_in(page, base, world.user("staff").username)

    # Log the reception.
    page.goto(base + reverse("petitions:reception_create"))
    page.select_option("#id_station", str(world.station_a.pk))
    page.check(f"input[name=deputies][value='{world.deputy_dave.pk}']")
    page.fill("#id_constituents_count", "12")
    page.fill("#id_topic", "老旧小区改造")
    with page.expect_navigation():
        page.click("main form button.btn-primary, main form [type=submit]")
    reception = Reception.objects.get(topic="老旧小区改造")
    assert page.url.endswith(reception.get_absolute_url())
    reception_url = page.url

    # Two opinions, one after the other, without leaving the page (a reload would drop this mark).
    page.evaluate("window.stillHere = true")
    for title, name in (("小区加装电梯", "王芳"), ("河道清淤", "李雷")):
        page.fill("#id_constituent_name", name)
        page.fill("#id_phone", "13812345678")
        page.fill("#id_title", title)
        page.fill("#id_content", f"{title}，请尽快处理。")
        page.select_option("#opinion-form #id_deputy", str(world.deputy_dave.pk))
        page.click("#opinion-form button.btn-primary")
        page.locator("#opinion-rows").get_by_text(title).wait_for()
        # The form is empty again for the next opinion, with a fresh idempotency key.
        expect(page.locator("#id_title")).to_have_value("")
    assert page.url == reception_url and page.evaluate("window.stillHere") is True
    assert page.locator("#opinion-rows li").count() == 2
    assert reception.petitions.count() == 2
    p = Petition.objects.get(title="小区加装电梯")
    assert p.display_code in page.inner_text("#opinion-rows")

    # Accept, triage and assign it on its page.
    page.goto(base + p.get_absolute_url())
    _open_action(page, "accept")
    _submit_action(page, "accept")
    assert "Accepted." in page.inner_text("body")

    _open_action(page, "triage")
    form = "form.action-form[data-action='triage']"
    page.select_option(f"{form} [name=category]", str(cat.pk))
    page.select_option(f"{form} [name=tier]", "street")
    _submit_action(page, "triage")

    _open_action(page, "assign")
    form = "form.action-form[data-action='assign']"
    page.select_option(f"{form} [name=lead_department]", str(world.department.pk))
    _submit_action(page, "assign")
    assert world.department.name in page.inner_text("body")
    p.refresh_from_db()
    assert p.status == Status.ASSIGNED and p.lead_department == world.department
    assert re.search(r"\d{4}-\d{2}-\d{2}", page.inner_text(".text-end"))  # the deadline shows

    # The printable slip opens in a new tab.
    with page.context.expect_page() as new_tab:
        page.click(f"a[href='{reverse('petitions:assignment_slip', args=[p.pk])}']")
    slip = new_tab.value
    slip.wait_for_load_state()
    text = slip.inner_text("body")
    assert p.display_code in text
    assert world.department.name in text
    assert p.deadline.isoformat() in text
    assert Petition.objects.get(title="河道清淤").status == Status.SUBMITTED
    page.close()
