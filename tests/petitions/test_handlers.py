"""Handlers: a reopened case says why at the top, replies carry an outcome counted per
department, canned replies per department; ratings recorded by staff say who, how and when."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from petitions import services
from petitions.choices import Status
from petitions.event_notes import render_note
from petitions.models import CannedReply, Petition, Rating, Reply

from .factories import make_petition


def _reopen(world, comment="电梯还是没装"):
    p = make_petition(world, Status.FEEDBACK_GIVEN)
    return services.petition_record_rating(
        actor=world.user("staff"),
        petition=p,
        satisfaction="unsatisfied",
        method="phone",
        comment=comment,
    )


def test_a_reopened_case_says_why_and_what_the_previous_reply_was(as_role, world):
    p = _reopen(world)
    assert p.status == Status.HANDLING
    body = as_role("handler").get(p.get_absolute_url()).content.decode()
    banner = body[body.index("data-reopened") : body.index('<div class="row g-3">')]
    assert "Reopened (round 1)" in banner
    assert "电梯还是没装" in banner
    assert "已协调加装电梯，预计年内完工。" in banner  # the reply of round 0


def test_a_case_never_reopened_has_no_banner(as_role, world):
    p = make_petition(world, Status.HANDLING)
    assert "data-reopened" not in as_role("handler").get(p.get_absolute_url()).content.decode()


def test_the_reply_needs_an_outcome_and_keeps_it(as_role, world):
    p = make_petition(world, Status.HANDLING)
    client = as_role("handler")
    url = reverse("petitions:reply", args=[p.pk])
    response = client.post(url, {"version": p.version, "body": "已列入明年计划"})
    assert response.status_code == 400 and "已列入明年计划" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.HANDLING
    client.post(url, {"version": p.version, "body": "已列入明年计划", "outcome": "planned"})
    reply = Reply.objects.get(petition=p)
    assert reply.outcome == "planned"
    assert "Included in a plan" in client.get(p.get_absolute_url()).content.decode()


def test_the_department_table_counts_the_outcomes(as_role, world):
    for outcome in ("solved", "solved", "partly", "planned"):
        p = make_petition(world, Status.HANDLING)
        services.petition_reply(
            actor=world.user("handler"), petition=p, body="答复", outcome=outcome
        )
    today = timezone.localdate()
    q = f"start={today.replace(day=1).isoformat()}&end={today.isoformat()}&region={world.district_x.pk}"
    body = as_role("clerk").get(reverse("reports:departments") + "?" + q).content.decode()
    cell = re.search(r"<td class=\"small text-nowrap\" data-outcomes>(.*?)</td>", body).group(1)
    assert "Solved 2" in cell and "Partly solved 1" in cell and "Included in a plan 1" in cell
    assert "Explained / cannot be solved now 0" in cell


def test_handlers_keep_canned_replies_and_the_reply_form_offers_them(as_role, world):
    client = as_role("handler")
    url = reverse("petitions:canned_replies")
    response = client.post(
        url,
        {
            "department": world.department.pk,
            "title": "已列入计划",
            "body": "您反映的问题已列入明年改造计划。",
            "outcome": "planned",
        },
        follow=True,
    )
    assert "Canned reply saved." in response.content.decode()
    canned = CannedReply.objects.get()
    assert canned.department == world.department
    p = make_petition(world, Status.HANDLING)
    form = client.get(p.get_absolute_url()).content.decode()
    assert 'data-canned-for="body"' in form
    assert (
        'data-body="您反映的问题已列入明年改造计划。"' in form and 'data-outcome="planned"' in form
    )
    assert "js/canned.js" in form
    # Another department neither sees nor deletes it.
    other = as_role("other_handler")
    assert "已列入计划" not in other.get(url).content.decode()
    delete = reverse("petitions:canned_reply_delete", args=[canned.pk])
    assert other.post(delete).status_code == 404
    assert as_role("handler").post(delete).status_code == 302
    assert not CannedReply.objects.exists()


def test_a_canned_reply_needs_a_title_and_a_text(as_role, world):
    response = as_role("handler").post(
        reverse("petitions:canned_replies"),
        {"department": world.department.pk, "title": "空的", "body": ""},
    )
    assert response.status_code == 200 and 'value="空的"' in response.content.decode()
    assert not CannedReply.objects.exists()


def test_a_rating_recorded_by_staff_says_who_asked_how_and_when(as_role, world):
    p = make_petition(
        world,
        Status.FEEDBACK_GIVEN,
        is_anonymous=True,
        constituent_name="",
        phone="",
        channel="letter",
    )
    asked = timezone.localdate()
    response = as_role("staff").post(
        reverse("petitions:record_rating", args=[p.pk]),
        {
            "version": p.version,
            "satisfaction": "basic",
            "method": "visit",
            "asked_on": asked.isoformat(),
            "comment": "基本满意",
        },
    )
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.status == Status.CLOSED and p.satisfaction == "basic"
    rating = Rating.objects.get(petition=p)
    assert rating.recorded_by == world.user("staff") and rating.method == "visit"
    assert rating.asked_on == asked
    event = p.events.filter(to_status=Status.CLOSED).get()
    with override("en"):
        assert f"Recorded by 张爱丽 (Home visit, asked on {asked.isoformat()})" in render_note(
            event.note
        )
        assert "(recorded by the station)" in render_note(event.public_note)
    timeline = as_role("staff").get(p.get_absolute_url()).content.decode()
    assert "Recorded by 张爱丽" in timeline


def test_a_rating_cannot_be_recorded_for_a_day_in_the_future(world, db):
    from django.core.exceptions import ValidationError

    p = make_petition(world, Status.FEEDBACK_GIVEN)
    with pytest.raises(ValidationError):
        services.petition_record_rating(
            actor=world.user("staff"),
            petition=p,
            satisfaction="satisfied",
            method="phone",
            asked_on=timezone.localdate() + dt.timedelta(days=1),
        )
    p.refresh_from_db()
    assert p.status == Status.FEEDBACK_GIVEN


def test_the_handler_pages_speak_chinese(as_role, world, settings):
    p = _reopen(world)
    settings.LANGUAGE_CODE = "zh-hans"
    with override("zh-hans"):
        detail = as_role("handler").get(p.get_absolute_url()).content.decode()
        canned = as_role("handler").get(reverse("petitions:canned_replies")).content.decode()
    assert "重新办理（第1轮）" in detail and "上一次答复" in detail and "办理结果" in detail
    assert "新增常用答复" in canned
    assert Petition.objects.count() == 1


def test_the_department_table_counts_ratings_recorded_by_staff_apart(as_role, world):
    from .factories import rate_as_constituent

    by_phone = make_petition(world, Status.FEEDBACK_GIVEN)
    services.petition_record_rating(
        actor=world.user("staff"), petition=by_phone, satisfaction="satisfied", method="phone"
    )
    rate_as_constituent(make_petition(world, Status.FEEDBACK_GIVEN), "satisfied")  # online
    today = timezone.localdate()
    q = f"start={today.replace(day=1).isoformat()}&end={today.isoformat()}&region={world.district_x.pk}"
    body = as_role("clerk").get(reverse("reports:departments") + "?" + q).content.decode()
    assert "1 recorded by staff" in body
    assert body.count("data-rated-by-staff") == 1
