"""Real Chromium on a phone-sized screen: a deputy opens the vote from the menu, leaves one
project unmarked (refused, the marks made are kept), casts the ballot, then changes it before
the close; the clerk closes the vote and the public result shows the counts."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from projects.choices import Choice, Status
from projects.models import Ballot, Candidate
from tests.browser import log_in

from .factories import make_cycle, open_vote, propose, screen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _mark(page, c, choice: str) -> None:
    page.locator(f"label[for=id_c{c.pk}_{list(Choice.values).index(choice)}]").click()


def test_a_deputy_votes_on_a_phone(browser, live_server, world):
    cycle = make_cycle(world)
    lift, river = (
        screen(world, propose(world, cycle, title=t))
        for t in ("老旧小区加装电梯", "长水塘河道治理")
    )
    open_vote(world, cycle)
    base = live_server.url
    context = browser.new_context(**PHONE)
    page = context.new_page()
    log_in(page, base, world.user("deputy").username)

    page.goto(base + reverse("projects:list"))
    page.click(f"text={cycle.title}")
    page.click("#vote-link")
    expect(page.locator("#ballot-form")).to_be_visible()
    # The buttons fill the phone's width: nothing to scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    _mark(page, lift, Choice.FOR)
    page.click("#cast")
    expect(page.locator(f"[data-ballot-item=c{river.pk}] .text-danger")).to_contain_text(
        "Mark this project: for, against or abstain."
    )
    expect(page.locator(f"#id_c{lift.pk}_0")).to_be_checked()
    assert not Ballot.objects.exists()

    _mark(page, river, Choice.ABSTAIN)
    page.click("#cast")
    expect(page.locator(".alert-success").first).to_contain_text("Your ballot was cast.")
    expect(page.locator("#ballot-state")).to_be_visible()

    _mark(page, lift, Choice.AGAINST)
    page.click("#cast")
    expect(page.locator(".alert-success").first).to_contain_text("Your ballot was changed.")
    ballot = Ballot.objects.get()
    assert dict(ballot.marks.values_list("candidate_id", "choice")) == {
        lift.pk: Choice.AGAINST, river.pk: Choice.ABSTAIN,
    }  # fmt: skip
    context.close()

    clerk = browser.new_page()
    log_in(clerk, base, world.user("clerk").username)
    clerk.goto(base + cycle.get_absolute_url())
    clerk.click("[data-cycle-action=close_vote]")
    expect(clerk.locator("#tally")).to_be_visible()
    assert Candidate.objects.get(pk=lift.pk).status == Status.NOT_CHOSEN

    public = browser.new_page()
    public.goto(base + reverse("projects_public:results", args=[cycle.pk]))
    expect(public.locator(f"[data-candidate='{lift.pk}'] [data-against]")).to_have_text("1")
    expect(public.locator(f"[data-candidate='{river.pk}'] [data-abstain]")).to_have_text("1")
    assert world.deputy_dave.name not in public.content()
