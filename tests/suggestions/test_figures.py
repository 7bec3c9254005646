"""The A/B/C figures, adoption, fulfilment, on-time and satisfaction against a hand count."""

import datetime as dt

import pytest
from django.utils import timezone

from suggestions import selectors
from suggestions.choices import Classification as C
from suggestions.choices import Evaluation as E
from suggestions.choices import Status
from suggestions.models import Suggestion

from .factories import make_suggestion

pytestmark = pytest.mark.django_db


def _late(s):
    """Move the limit into the past (as if the department had missed it)."""
    Suggestion.objects.filter(pk=s.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))


@pytest.fixture
def ten(world):
    """Ten registered suggestions this year; the comments give what each counts for."""
    m = make_suggestion
    m(world, Status.CLOSED, classification=C.A)  # 1 A, satisfied
    m(world, Status.CLOSED, classification=C.A, evaluation=E.BASIC)  # 2 A, basic
    m(world, Status.FOLLOWING, classification=C.B)  # 3 B, satisfied, not delivered
    m(world, Status.CLOSED, classification=C.B)  # 4 B, satisfied, delivered
    # 5 C, unsatisfied: handled again, so it is no longer "replied"
    m(world, Status.CLOSED, classification=C.C, evaluation=E.UNSATISFIED)
    m(world, Status.REPLIED, classification=C.C)  # 6 C, not evaluated yet
    _late(m(world, Status.HANDLING))  # 7 overdue, no reply
    m(world, Status.REGISTERED)  # 8 not assigned yet
    nine = m(world, Status.HANDLING, side="y")  # 9 A, replied after its limit, satisfied
    _late(nine)
    from .support import do

    do("reply", world.user("other_handler"), nine, world, classification=C.A)
    do("evaluate", world.user("other_deputy"), Suggestion.objects.get(pk=nine.pk), world)
    m(world, Status.FOLLOWING, classification=C.B, evaluation=E.BASIC, side="y")  # 10 B, basic
    return Suggestion.objects.all()


def test_it_counts_the_whole_set_by_hand(ten):
    today = timezone.localdate()
    f = selectors.figures(selectors.registered_in(ten, today.year), today=today)[0]
    assert (f.registered, f.replied, f.a, f.b, f.c) == (10, 7, 3, 3, 1)
    assert (f.a_share, f.b_share, f.c_share) == (42.9, 42.9, 14.3)
    assert f.adoption_rate == 42.9  # 采纳率 = the A share
    assert (f.b_fulfilled, f.fulfilment_rate) == (1, 33.3)
    assert (f.satisfied, f.evaluated, f.satisfaction_rate) == (6, 7, 85.7)
    assert (f.on_time, f.replies, f.on_time_rate) == (7, 8, 87.5)
    assert f.overdue == 1


def test_it_splits_by_department_and_by_deputy(world, ten):
    today = timezone.localdate()
    qs = selectors.registered_in(ten, today.year)
    by_dept = {f.name: f for f in selectors.figures(qs, by="department", today=today)}
    d, d2 = by_dept[world.department.name], by_dept[world.other_department.name]
    assert (d.registered, d.replied, d.a, d.b, d.c, d.replies, d.on_time) == (7, 5, 2, 2, 1, 6, 6)
    assert (d2.registered, d2.replied, d2.a, d2.b, d2.replies, d2.on_time) == (2, 2, 1, 1, 2, 1)
    assert by_dept[""].registered == 1  # registered, no department yet
    by_deputy = {f.name: f for f in selectors.figures(qs, by="deputy", today=today)}
    assert by_deputy["戴伟"].registered == 8 and by_deputy["裴佳"].registered == 2
    assert by_deputy["裴佳"].satisfaction_rate == 100.0
    assert (
        selectors.department_figures([world.other_department.pk], today.year, today=today)[
            world.other_department.pk
        ].on_time_rate
        == 50.0
    )


def test_the_page_shows_the_figures_and_the_definitions(as_role, ten):
    page = as_role("clerk").get("/suggestions/figures/")
    assert page.status_code == 200
    html = page.content.decode()
    # The district clerk sees district X only: suggestions 1–8.
    assert 'data-figure="registered">8<' in html
    assert "class A (solved or adopted) ÷ suggestions replied" in html
    city = as_role("city_clerk").get("/suggestions/figures/").content.decode()
    assert 'data-figure="registered">10<' in city
    assert 'data-figure="adoption">42.9%' in city


def test_the_deputy_record_counts_led_and_cosigned(world, ten):
    today = timezone.localdate()
    record = selectors.deputy_figures(world.deputy_dave, today.year, today=today)
    assert record["figures"].registered == 8 and record["cosigned"] == 0
    assert record["figures"].adoption_rate == 40.0  # A 2 of 5 replied
