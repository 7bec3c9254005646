"""The petitions list counts at most LIST_COUNT_CAP cases: a province's whole list says
"10,000+" instead of counting a million rows, and says how to narrow it."""

import re

from django.urls import reverse

from petitions import views
from petitions.choices import Status

from .factories import make_petition


def _badge(html: str) -> str:
    match = re.search(r"data-count>([^<]*)<", html)
    assert match
    return match.group(1)


def test_it_counts_every_case_below_the_cap(as_role, world):
    make_petition(world, Status.SUBMITTED)
    make_petition(world, Status.CLOSED)
    html = as_role("staff").get(reverse("petitions:list")).content.decode()
    assert _badge(html) == "2"
    assert "data-capped" not in html


def test_past_the_cap_it_says_so_and_how_to_narrow_it(as_role, world, monkeypatch):
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for _ in range(5):
        make_petition(world, Status.SUBMITTED)
    make_petition(world, Status.CLOSED, title="井盖松动")
    client = as_role("staff")
    html = client.get(reverse("petitions:list")).content.decode()
    assert _badge(html) == "3+"
    assert "More than 3 cases match" in html and "Page 1 of 2+" in html
    # A filter that narrows the list below the cap counts exactly again.
    narrowed = client.get(reverse("petitions:list"), {"status": Status.CLOSED}).content.decode()
    assert _badge(narrowed) == "1" and "井盖松动" in narrowed and "data-capped" not in narrowed


def test_the_cap_message_speaks_chinese_by_default(as_role, world, monkeypatch):
    monkeypatch.setattr(views, "LIST_COUNT_CAP", 1)
    make_petition(world, Status.SUBMITTED)
    make_petition(world, Status.SUBMITTED)
    client = as_role("staff")
    client.cookies.load({"django_language": "zh-hans"})
    html = client.get(reverse("petitions:list")).content.decode()
    assert "符合条件的超过 1 件" in html
