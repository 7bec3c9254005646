"""第N号: one sequence per standing committee and year, without gaps, safe under concurrency."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from suggestions import services
from suggestions.choices import Level, Status
from suggestions.models import NumberCounter, Suggestion
from tests.conftest import skip_or_fail

from .factories import draft, make_suggestion

pytestmark = pytest.mark.django_db


def test_it_numbers_each_committee_from_one(world):
    x1 = make_suggestion(world, Status.REGISTERED)
    x2 = make_suggestion(world, Status.REGISTERED)
    y1 = make_suggestion(world, Status.REGISTERED, side="y")
    city = services.suggestion_submit(
        actor=world.user("deputy"), suggestion=draft(world, level=Level.CITY)
    )
    city = services.suggestion_register(actor=world.user("city_clerk"), suggestion=city)
    assert [x1.number, x2.number, y1.number, city.number] == [1, 2, 1, 1]
    assert x1.year == timezone.localdate().year
    assert str(x2.number_label) == "No. 2"
    # The district clerk does not cover the city's committee.
    assert city.region == world.city


def test_a_failed_registration_leaves_no_gap(world):
    first = make_suggestion(world, Status.REGISTERED)
    s = make_suggestion(world, Status.SUBMITTED)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.suggestion_register(actor=world.user("clerk"), suggestion=s)
        raise RuntimeError("the transaction fails after the number was taken")
    again = services.suggestion_register(actor=world.user("clerk"), suggestion=s)
    assert (first.number, again.number) == (1, 2)


def test_a_new_year_starts_again_at_one(world):
    last_year = make_suggestion(world, Status.REGISTERED)
    year = timezone.localdate().year
    # As if it had been registered last year.
    NumberCounter.objects.filter(year=year).update(year=year - 1)
    Suggestion.objects.filter(pk=last_year.pk).update(year=year - 1)
    assert make_suggestion(world, Status.REGISTERED).number == 1
    assert make_suggestion(world, Status.REGISTERED).number == 2


def test_a_declined_suggestion_takes_no_number(world):
    declined = make_suggestion(world, Status.DECLINED)
    assert declined.number is None and declined.decline_reason
    assert make_suggestion(world, Status.REGISTERED).number == 1


@pytest.mark.django_db(transaction=True)
def test_two_clerks_registering_at_once_get_consecutive_numbers():
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL for row locks across connections")
    from tests.world import build_world

    world = build_world()
    pending = [make_suggestion(world, Status.SUBMITTED).pk for _ in range(4)]
    barrier = threading.Barrier(len(pending))
    errors = []

    def register(pk):
        try:
            barrier.wait(timeout=10)
            services.suggestion_register(actor=world.user("clerk"), suggestion=pk)
        except Exception as exc:  # noqa: BLE001 - the test reports what a thread got
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(pk,)) for pk in pending]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    numbers = sorted(Suggestion.objects.filter(pk__in=pending).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
