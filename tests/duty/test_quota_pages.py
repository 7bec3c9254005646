"""The clerks' quota-rule pages (量化标准): where each number comes from, setting a region's
own quantities, clearing one to inherit again, refusing absurd numbers, the change record."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import ChangeRecord
from duty import quotas, selectors
from duty.models import QuotaRule

pytestmark = pytest.mark.django_db


def _page(client, region):
    return client.get(reverse("duty:quota_region", args=[region.pk]))


def _row(html: str, item: str) -> str:
    start = html.index(f'<tr data-item="{item}">')
    return html[start : html.index("</tr>", start)]


def test_it_shows_own_inherited_and_list_quantities(world, as_role):
    QuotaRule.objects.create(region=world.province, item="training", quantity=2)
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    html = _page(as_role("clerk"), world.district_x).content.decode()
    opinion, training, story = (_row(html, i) for i in ("opinion", "training", "story"))
    assert 'data-source="own"' in opinion and '<td class="fw-semibold" data-in-force>2<' in opinion
    assert 'data-source="inherited"' in training and "inherited from 浙江省" in training
    assert "data-in-force>2<" in training
    assert 'data-source="list"' in story and "data-in-force>1<" in story
    # The opinion box holds the district's own 2; clearing it would inherit the list's 1.
    assert 'value="2"' in opinion and 'placeholder="1"' in opinion


def test_a_clerk_sets_a_quantity_and_the_deputy_is_held_to_it(world, as_role):
    client = as_role("clerk")
    response = client.post(
        reverse("duty:quota_region", args=[world.district_x.pk]), {"opinion": "3"}
    )
    assert response.status_code == 302
    assert selectors.quota_table(world.street_s1.path)["opinion"] == 3
    assert selectors.quota_table(world.street_s3.path)["opinion"] == 1  # 秀洲区 untouched
    html = client.get(response.url).content.decode()
    assert "Quota rules of 南湖区 saved" in html
    change = ChangeRecord.objects.get()
    assert change.actor == world.user("clerk")
    assert change.changes == [{"field": "Report public opinion", "old": "inherited", "new": 3}]
    assert "Report public opinion inherited → 3" in html
    year = as_role("deputy").get(reverse("duty:year", args=[world.deputy_dave.pk]))
    assert "<td data-quota>3 / each month</td>" in _row(year.content.decode(), "opinion")


def test_clearing_a_box_inherits_again(world, as_role):
    QuotaRule.objects.create(region=world.city, item="opinion", quantity=2)
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=4)
    client = as_role("city_clerk")
    client.post(reverse("duty:quota_region", args=[world.district_x.pk]), {"opinion": ""})
    assert not QuotaRule.objects.filter(region=world.district_x).exists()
    opinion = _row(_page(client, world.district_x).content.decode(), "opinion")
    assert "inherited from 嘉兴市" in opinion and "data-in-force>2<" in opinion


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-1", "cannot be negative"),
        ("40", "At most 31 a month"),
        ("abc", "Enter a whole number"),
        ("1.5", "Enter a whole number"),
    ],
)
def test_bad_numbers_are_refused_with_what_was_typed_kept(world, as_role, typed, message):
    client = as_role("clerk")
    response = client.post(
        reverse("duty:quota_region", args=[world.district_x.pk]),
        {"opinion": typed, "training": "2"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert message in _row(html, "opinion") and f'value="{typed}"' in _row(html, "opinion")
    assert 'value="2"' in _row(html, "training")
    assert not QuotaRule.objects.exists() and not ChangeRecord.objects.exists()


def test_a_yearly_item_has_its_own_limit(world, as_role):
    response = as_role("clerk").post(
        reverse("duty:quota_region", args=[world.district_x.pk]), {"story": "60"}
    )
    assert "At most 52 a year" in _row(response.content.decode(), "story")


def test_the_service_checks_the_right_again(world):
    with pytest.raises(PermissionDenied):
        quotas.quota_rules_set(
            actor=world.user("other_clerk"), region=world.district_x, quantities={"opinion": 2}
        )
    with pytest.raises(PermissionDenied):  # the province default is not a city clerk's
        quotas.quota_rules_set(
            actor=world.user("city_clerk"), region=world.province, quantities={"opinion": 2}
        )
    assert not QuotaRule.objects.exists()


def test_nothing_changed_records_nothing(world, as_role):
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    as_role("clerk").post(
        reverse("duty:quota_region", args=[world.district_x.pk]), {"opinion": "2"}
    )
    assert not ChangeRecord.objects.exists()


def test_the_index_lists_the_clerks_area_only(world, as_role):
    QuotaRule.objects.create(region=world.district_x, item="opinion", quantity=2)
    html = as_role("city_clerk").get(reverse("duty:quotas")).content.decode()
    assert "嘉兴市" in html and "南湖区" in html and "秀洲区" in html and "浙江省" not in html
    district = as_role("clerk").get(reverse("duty:quotas")).content.decode()
    assert "南湖区" in district and "秀洲区" not in district and "1 / 8" in district


def test_the_chinese_page(world, as_role):
    client = as_role("clerk")
    client.cookies["django_language"] = "zh-hans"
    QuotaRule.objects.create(region=world.province, item="training", quantity=2)
    html = _page(client, world.district_x).content.decode()
    assert "量化标准" in html and "继承自浙江省" in html
