"""Real Chromium under the Content Security Policy: no violation, and the moved scripts work."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_run_their_scripts_without_a_csp_violation(browser, live_server, world, settings):
    from tests.petitions.factories import make_petition

    petition = make_petition(world)
    page = browser.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "staff")
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()

    # The print slip's buttons are wired by static/js/app.js (no onclick=).
    page.goto(live_server.url + reverse("petitions:assignment_slip", args=[petition.pk]))
    page.evaluate(
        "() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }"
    )
    page.click("[data-print]")
    assert page.evaluate("window.__printed") == 1

    # The public form hides the identity fields for an anonymous submission.
    page.goto(
        live_server.url + reverse("public:station_submit", args=[world.station_a.public_code])
    )
    page.check("#id_is_anonymous")
    assert page.locator("#id_phone").is_hidden()
    assert page.locator("#captcha-question").is_visible()
    assert violations == []


def test_the_charts_and_the_map_draw_without_a_csp_violation(browser, live_server, world):
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", "clerk")
    page.fill("input[name=password]", "pass-for-tests-123")
    page.click("form [type=submit]")
    page.wait_for_load_state()
    for name in ("reports:overview", "reports:map"):
        page.goto(live_server.url + reverse(name))
        page.wait_for_load_state("networkidle")
    assert problems == []
