"""The deputy's year page (count, quota, evidence per item and month) and "who is behind"."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from deputies.roster.choices import DutyStatus
from duty.models import QuotaRule
from tests.reports.ledger_support import at, petition

from .support import duty

YEAR = timezone.localdate().year - 1


def test_the_year_page_shows_counts_quotas_and_evidence_links(world, as_role):
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    petition(world, submitted=at(dt.date(YEAR, 1, 3)), title="路灯不亮")
    url = reverse("duty:year", args=[world.deputy_dave.pk]) + f"?year={YEAR}"
    page = as_role("staff").get(url).content.decode()
    assert 'data-item="opinion"' in page
    assert "2 / each month" in page
    evidence = reverse("duty:evidence", args=[world.deputy_dave.pk, "opinion"])
    assert f"{evidence}?year={YEAR}&amp;month=1" in page
    facts = as_role("staff").get(evidence + f"?year={YEAR}&month=1").content.decode()
    assert "路灯不亮" in facts
    # January: 1 of 2 opinions — missed; the reasons say so in words.
    assert "Report public opinion: 12 month(s) below 2" in page


def test_my_year_takes_a_deputy_to_their_own_page(world, as_role):
    response = as_role("deputy").get(reverse("duty:my_year"))
    assert response.url == reverse("duty:year", args=[world.deputy_dave.pk])


def test_who_is_behind_lists_the_users_deputies_only(world, as_role):
    # Last year is over: Dave received once, Peggy never; both are behind on something, but
    # the district X clerk sees only Dave.
    duty(world, dt.date(YEAR, 1, 20), DutyStatus.PRESENT)
    page = as_role("clerk").get(reverse("duty:behind") + f"?year={YEAR}").content.decode()
    assert f'data-deputy="{world.deputy_dave.pk}"' in page
    assert f'data-deputy="{world.deputy_peggy.pk}"' not in page
    assert "Receive constituents: 11 month(s) below 1" in page


def test_the_chinese_year_page(world, as_role):
    client = as_role("deputy")
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("duty:year", args=[world.deputy_dave.pk])).content.decode()
    assert "接待选民群众" in page and "量化标准" in page
