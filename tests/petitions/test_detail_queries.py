"""The case page: at most 12 queries in every state, for every role that sees it, and the same
number with a bare case as with one that has many events, attachments, departments and rules."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions.choices import EventKind, Status
from petitions.models import Attachment, Category, PetitionEvent, RoutingRule
from tests import factories as f

from .factories import category, make_petition, make_reception

ROLES = ("staff", "clerk", "deputy", "handler", "admin")
STATES = [
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.TRIAGED,
    Status.ASSIGNED,
    Status.HANDLING,
    Status.REPLIED,
    Status.FEEDBACK_GIVEN,
    Status.CLOSED,
    Status.DECLINED,
]


def _counts(world, url: str) -> dict[str, int]:
    out = {}
    for role in ROLES:
        client = Client()
        client.force_login(world.user(role))
        client.get(url)  # warm: the first request's session write is not the page
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        if response.status_code == 200:
            out[role] = len(ctx.captured_queries)
    return out


def _a_lot_more(world, p) -> None:
    """Rows the page shows or offers, several of each: a N+1 would add queries."""
    staff = world.user("staff")
    for n in range(4):
        PetitionEvent.objects.create(petition=p, kind=EventKind.NOTE, actor=staff, note=f"跟进{n}")
        Attachment.objects.create(
            petition=p,
            file=f"a{n}.jpg",
            original_name=f"现场{n}.jpg",
            content_type="image/jpeg",
            size=9,
        )
        Category.objects.create(name=f"类别{n}")
        f.DepartmentFactory(name=f"南湖区第{n}局", region=world.district_x)
    for reply in p.replies.all():
        Attachment.objects.create(
            petition=p,
            reply=reply,
            file="r.pdf",
            original_name="答复.pdf",
            content_type="application/pdf",
            size=9,
        )
    # The most specific rule wins; its assisting departments pre-fill the assign form.
    wide = RoutingRule.objects.create(
        region=world.city, category=category(), lead_department=world.other_department
    )
    rule = RoutingRule.objects.create(
        region=world.district_x, category=category(), lead_department=world.department
    )
    for r in (wide, rule):
        r.assisting_departments.set(f.DepartmentFactory.create_batch(2, region=world.district_x))
    for n in range(3):
        make_petition(world, Status.SUBMITTED, title=f"其他问题{n}")


@pytest.mark.parametrize("status", STATES)
def test_the_case_page_takes_at_most_12_queries_whatever_the_case_holds(world, status):
    p = make_petition(world, status, reception=make_reception(world))
    url = reverse("petitions:detail", args=[p.pk])
    before = _counts(world, url)
    _a_lot_more(world, p)
    after = _counts(world, url)
    assert set(after) == set(before) and "staff" in after
    assert max(after.values()) <= 12, after
    assert after == before


def test_the_assign_form_is_prefilled_from_the_rule_read_with_its_departments(world, client):
    p = make_petition(world, Status.TRIAGED)
    _a_lot_more(world, p)
    rule = RoutingRule.objects.get(region=world.district_x)
    client.force_login(world.user("staff"))
    html = client.get(reverse("petitions:detail", args=[p.pk])).content.decode()
    form = html.split('name="lead_department"')[1].split("</form>")[0]
    for d in rule.assisting_departments.all():
        assert f'<option value="{d.pk}" selected>{d}</option>' in form
