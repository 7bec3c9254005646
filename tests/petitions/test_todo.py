"""The to-do home: what waits on staff, deputies and handlers, each tile opening its list."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from core.workdays import Calendar
from deputies.roster.models import Duty, ReceptionDay
from petitions import services
from petitions.choices import Status
from petitions.models import Petition

from .factories import make_petition, set_deadline

URL = reverse("todo:home")


def _count(body: str, key: str) -> int:
    match = re.search(
        rf'data-tile="{key}">\s*<div class="card-body py-2">\s*<div[^>]*data-count>(\d+)<', body
    )
    assert match, key
    return int(match.group(1))


def _list_codes(client, key: str) -> set[str]:
    body = client.get(reverse("petitions:list"), {"waiting": key}).content.decode()
    return {p.display_code for p in Petition.objects.all() if p.display_code in body}


def _station_cases(world):
    """2 new, 1 to triage, 1 to assign, 1 returned, 1 with an extension request, 1 replied,
    1 feedback given, 1 overdue (handling, deadline passed)."""
    cases = {
        "new": [make_petition(world, Status.SUBMITTED), make_petition(world, Status.SUBMITTED)],
        "triage": [make_petition(world, Status.ACCEPTED)],
        "assign": [make_petition(world, Status.TRIAGED)],
    }
    returned = make_petition(world, Status.ASSIGNED)
    services.petition_return(actor=world.user("handler"), petition=returned, reason="不归我们管")
    cases["returned"] = [returned]
    ext = make_petition(world, Status.HANDLING)
    services.extension_request(
        actor=world.user("handler"),
        petition=ext,
        requested_deadline=ext.deadline + dt.timedelta(days=30),
        reason="需要立项",
    )
    cases["extension"] = [ext]
    cases["replied"] = [make_petition(world, Status.REPLIED)]
    cases["unrated"] = [make_petition(world, Status.FEEDBACK_GIVEN)]
    late = make_petition(world, Status.HANDLING)
    late = set_deadline(late, timezone.localdate() - dt.timedelta(days=2), level=1)
    cases["overdue"] = [late]
    cases["escalated"] = [late]
    make_petition(world, Status.CLOSED)  # done: on no tile
    return cases


def test_it_is_where_staff_land_after_login(as_role, world):
    response = as_role("staff").get(reverse("home"))
    assert response.status_code == 302 and response.url == URL


def test_it_counts_what_waits_on_the_station_and_each_tile_opens_those_cases(as_role, world):
    cases = _station_cases(world)
    other = make_petition(world, Status.SUBMITTED)
    Petition.objects.filter(pk=other.pk).update(station=world.station_b)  # another station's
    client = as_role("staff")
    body = client.get(URL).content.decode()
    for key, expected in cases.items():
        assert _count(body, key) == len(expected), key
        assert f'href="{reverse("petitions:list")}?waiting={key}"' in body
        assert _list_codes(client, key) == {p.display_code for p in expected}, key


def test_returned_cases_are_not_also_counted_as_to_assign(as_role, world):
    cases = _station_cases(world)
    body = as_role("staff").get(URL).content.decode()
    assert _count(body, "assign") == 1 and _count(body, "returned") == 1
    assert cases["returned"][0].display_code not in _list_codes(as_role("staff"), "assign")


def test_it_counts_in_one_query_whatever_the_number_of_cases(
    as_role, world, django_assert_max_num_queries
):
    client = as_role("staff")
    make_petition(world, Status.SUBMITTED)
    with django_assert_max_num_queries(30) as few:
        client.get(URL)
    _station_cases(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)


def test_it_shows_todays_and_the_next_reception_day_with_the_deputies_on_duty(as_role, world):
    today = timezone.localdate()
    for date in (today, today + dt.timedelta(days=7), today + dt.timedelta(days=14)):
        day = ReceptionDay.objects.create(
            station=world.station_a, date=date, start_time=dt.time(9), end_time=dt.time(11)
        )
        Duty.objects.create(day=day, deputy=world.deputy_dave)
    with override("en"):
        body = as_role("staff").get(URL).content.decode()
    assert "Today's reception" in body and "Next reception day" in body
    assert today.isoformat() in body
    assert (today + dt.timedelta(days=7)).isoformat() in body
    assert (today + dt.timedelta(days=14)).isoformat() not in body
    assert body.count("戴伟") == 2


def test_a_deputy_sees_own_cases_and_the_next_duty_with_check_in(as_role, world):
    make_petition(world, Status.SUBMITTED)
    make_petition(world, Status.REPLIED)
    other = make_petition(world, Status.SUBMITTED)
    Petition.objects.filter(pk=other.pk).update(deputy=world.deputy_peggy)
    today = timezone.localdate()
    day = ReceptionDay.objects.create(
        station=world.station_a, date=today, start_time=dt.time(9), end_time=dt.time(11)
    )
    Duty.objects.create(day=day, deputy=world.deputy_dave)
    client = as_role("deputy")
    body = client.get(URL).content.decode()
    assert _count(body, "my_new") == 1 and _count(body, "my_replied") == 1
    assert reverse("roster:checkin", args=[world.station_a.pk]) in body
    assert 'id="todo-staff"' not in body
    assert len(_list_codes(client, "my_new")) == 1


def test_a_handler_sees_new_due_soon_overdue_and_reopened(as_role, world):
    today = timezone.localdate()
    make_petition(world, Status.ASSIGNED)
    soon = make_petition(world, Status.HANDLING)
    later = make_petition(world, Status.HANDLING)
    late = make_petition(world, Status.HANDLING)
    cal = Calendar()
    Petition.objects.filter(pk=soon.pk).update(deadline=cal.add_working_days(today, 3))
    Petition.objects.filter(pk=later.pk).update(deadline=cal.add_working_days(today, 4))
    Petition.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=1))
    reopened = make_petition(world, Status.FEEDBACK_GIVEN)
    services.petition_record_rating(
        actor=world.user("staff"), petition=reopened, satisfaction="unsatisfied", method="phone"
    )
    Petition.objects.filter(pk=reopened.pk).update(deadline=cal.add_working_days(today, 10))
    client = as_role("handler")
    body = client.get(URL).content.decode()
    assert _count(body, "dept_new") == 1
    assert _count(body, "dept_due") == 1
    assert _count(body, "dept_overdue") == 1
    assert _count(body, "dept_reopened") == 1
    assert _list_codes(client, "dept_due") == {soon.display_code}
    # Another department's handler sees none of them.
    assert _count(as_role("other_handler").get(URL).content.decode(), "dept_new") == 0


def test_a_tile_of_a_role_the_user_does_not_hold_lists_nothing(as_role, world):
    make_petition(world, Status.SUBMITTED)
    assert _list_codes(as_role("clerk"), "new") == set()


@pytest.mark.parametrize(
    "lang,texts",
    [
        ("zh-hans", ["今日待办", "新提交待受理", "下一个接待日"]),
        ("en", ["Today's work", "To triage"]),
    ],
)
def test_it_speaks_both_languages(as_role, world, settings, lang, texts):
    settings.LANGUAGE_CODE = lang
    with override(lang):
        body = as_role("staff").get(URL).content.decode()
    for text in texts:
        assert text in body
