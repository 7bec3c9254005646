"""Routing rules: kept by clerks, pre-filling the assign form with the computed deadline, and a
deputy with the right handing a case straight to the routed department."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import override

from core.workdays import Calendar
from petitions import services
from petitions.choices import Status
from petitions.models import Category, Petition, RoutingRight, RoutingRule
from stations.models import Department

from .factories import category, make_petition

RULES = reverse("routing:rules")


def _rule(world, **kw):
    data = dict(region=world.district_x, category=category(), lead_department=world.department)
    data.update(kw)
    return RoutingRule.objects.create(**data)


def test_a_clerk_adds_a_rule_for_the_district(as_role, world):
    helper = Department.objects.create(name="南湖区城管局", region=world.district_x)
    response = as_role("clerk").post(
        RULES,
        {
            "region": world.district_x.pk,
            "category": category().pk,
            "keyword": "电梯",
            "lead_department": world.department.pk,
            "assisting_departments": [helper.pk],
            "reply_days": 10,
        },
        follow=True,
    )
    assert "Routing rule saved." in response.content.decode()
    rule = RoutingRule.objects.get()
    assert rule.keyword == "电梯" and list(rule.assisting_departments.all()) == [helper]
    # Another district's clerk neither sees nor deletes it.
    other = as_role("other_clerk")
    assert "南湖区城管局" not in other.get(RULES).content.decode()
    assert other.post(reverse("routing:rule_delete", args=[rule.pk])).status_code == 404


def test_a_clerk_cannot_keep_rules_outside_the_region(world, db):
    rule = RoutingRule(
        region=world.district_y, category=category(), lead_department=world.department
    )
    with pytest.raises(PermissionDenied):
        from petitions.routing.services import routing_rule_save

        routing_rule_save(actor=world.user("clerk"), rule=rule, assisting=[])


def test_the_assign_form_is_prefilled_from_the_most_specific_rule_with_its_deadline(as_role, world):
    wide = Department.objects.create(name="嘉兴市住建局", region=world.city)
    helper = Department.objects.create(name="南湖区城管局", region=world.district_x)
    _rule(world, region=world.city, lead_department=wide)
    rule = _rule(world, reply_days=7)
    rule.assisting_departments.add(helper)
    _rule(world, keyword="不相关的词", lead_department=helper)
    p = make_petition(world, Status.TRIAGED)
    body = as_role("staff").get(p.get_absolute_url()).content.decode()
    from django.utils import timezone

    due = Calendar().add_working_days(timezone.localdate(), 7)
    form = body[body.index('data-action="assign"') :]
    form = form[: form.index("</form>")]
    assert f'<option value="{world.department.pk}" selected>' in form
    assert f'<option value="{helper.pk}" selected>' in form
    assert f'value="{due.isoformat()}"' in form
    assert f"reply due by {due.isoformat()}" in form
    assert due.isoformat() != Calendar().add_working_days(timezone.localdate(), 15).isoformat()


def test_a_keyword_rule_beats_the_plain_one(world, db):
    from petitions.routing.rules import match

    helper = Department.objects.create(name="南湖区城管局", region=world.district_x)
    _rule(world)
    keyword = _rule(world, keyword="电梯", lead_department=helper)
    p = make_petition(world, Status.TRIAGED)  # "小区加装电梯"
    assert match(p) == keyword


def test_without_a_rule_the_form_shows_the_standard_deadline(as_role, world):
    p = make_petition(world, Status.TRIAGED)
    body = as_role("staff").get(p.get_absolute_url()).content.decode()
    assert "The standard limit gives" in body


def test_a_deputy_with_the_right_hands_the_case_to_the_routed_department(as_role, world):
    rule = _rule(world, reply_days=5)
    RoutingRight.objects.create(deputy=world.deputy_dave)
    p = make_petition(world, Status.SUBMITTED)
    client = as_role("deputy")
    assert (
        reverse("petitions:route", args=[p.pk]) in client.get(p.get_absolute_url()).content.decode()
    )
    response = client.post(
        reverse("petitions:route", args=[p.pk]),
        {"version": p.version, "category": rule.category.pk},
        follow=True,
    )
    assert "Handed to 南湖区住建局" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.ASSIGNED and p.lead_department == world.department
    from django.utils import timezone

    assert p.deadline == Calendar().add_working_days(timezone.localdate(), 5)
    assert p.accepted_at is not None
    assert "routing rule" in p.events.last().note


def test_without_a_rule_the_deputy_is_told_and_nothing_changes(world, db):
    RoutingRight.objects.create(deputy=world.deputy_dave)
    p = make_petition(world, Status.SUBMITTED)
    other = Category.objects.create(name="其他类")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.petition_route(actor=world.user("deputy"), petition=p, category=other)
    assert Petition.objects.get(pk=p.pk).status == Status.SUBMITTED


def test_a_deputy_without_the_right_is_not_offered_it(as_role, world):
    _rule(world)
    p = make_petition(world, Status.SUBMITTED)
    body = as_role("deputy").get(p.get_absolute_url()).content.decode()
    assert reverse("petitions:route", args=[p.pk]) not in body


def test_the_rules_page_speaks_chinese(as_role, world, settings):
    _rule(world)
    settings.LANGUAGE_CODE = "zh-hans"
    with override("zh-hans"):
        body = as_role("clerk").get(RULES).content.decode()
    assert "交办规则" in body and "新增交办规则" in body
