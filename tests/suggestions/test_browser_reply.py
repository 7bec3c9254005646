"""Real Chromium: a department handler finds the suggestion assigned to it, tries a class-B
reply without its follow-up date (refused, nothing typed is lost), completes it with the signed
letter, and the lead deputy then sees the reply and evaluates it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from suggestions.choices import Classification, Status
from suggestions.models import Suggestion
from tests.browser import log_in

from .factories import make_suggestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.locator(f"form.action-form[data-action='{name}'] button.btn-primary").click()


def test_a_department_replies_to_a_suggestion(browser, live_server, world, tmp_path):
    s = make_suggestion(world, Status.HANDLING)
    base = live_server.url
    page = browser.new_page()
    log_in(page, base, world.user("handler").username)

    page.goto(base + reverse("suggestions:list"))
    with page.expect_navigation():
        page.click(f"text={s.title}")
    assert page.url.endswith(s.get_absolute_url())
    # The reply is the one thing the department can do here, so its form is open.
    form = page.locator("form.action-form[data-action='reply']")
    assert form.is_visible()

    page.check("input[name=classification][value=B]")
    page.fill("#id_body", "该建议已列入2027年老旧小区改造计划，分批实施。")
    _submit(page, "reply")
    assert "A class-B reply needs the follow-up date." in page.content()
    assert page.input_value("#id_body") == "该建议已列入2027年老旧小区改造计划，分批实施。"
    assert page.is_checked("input[name=classification][value=B]")

    letter = tmp_path / "答复函.pdf"
    letter.write_bytes(b"%PDF-1.4\n" + b"0" * 200)
    follow = (timezone.localdate() + dt.timedelta(days=180)).isoformat()
    page.fill("#id_follow_up_date", follow)
    page.set_input_files("#id_letter", str(letter))
    _submit(page, "reply")
    assert "Reply sent to the deputy." in page.content()
    assert page.locator("[data-status]").first.get_attribute("data-status") == "replied"
    s.refresh_from_db()
    assert (s.status, s.classification, str(s.follow_up_date)) == (
        Status.REPLIED,
        Classification.B,
        follow,
    )
    assert s.replies.get().letter_name == "答复函.pdf"

    # The lead deputy reads it and is satisfied: the plan is followed until delivered.
    deputy = browser.new_page()
    log_in(deputy, base, world.user("deputy").username)
    deputy.goto(base + s.get_absolute_url())
    assert "该建议已列入2027年老旧小区改造计划" in deputy.content()
    deputy.check("input[name=evaluation][value=satisfied]")
    _submit(deputy, "evaluate")
    assert Suggestion.objects.get(pk=s.pk).status == Status.FOLLOWING
    assert deputy.locator("[data-status]").first.get_attribute("data-status") == "following"
