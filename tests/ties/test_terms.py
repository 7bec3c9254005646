"""Terms (届): the real start and end of a deputy's term, shown on the deputy page."""

import datetime as dt

import pytest

from deputies.choices import DeputyLevel
from deputies.models import DeputyTerm

pytestmark = pytest.mark.django_db


def _terms(deputy):
    old = DeputyTerm.objects.create(
        deputy=deputy,
        level=DeputyLevel.DISTRICT,
        number=8,
        start=dt.date(2016, 12, 20),
        end=dt.date(2021, 12, 19),
    )
    new = DeputyTerm.objects.create(
        deputy=deputy,
        level=DeputyLevel.DISTRICT,
        number=9,
        start=dt.date(2021, 12, 20),
        end=dt.date(2026, 12, 19),
    )
    return old, new


def test_it_finds_the_term_covering_a_day_across_the_new_year(world):
    dave = world.deputy_dave
    old, new = _terms(dave)
    on = DeputyTerm.objects.current_for
    assert on(dave, DeputyLevel.DISTRICT, on=dt.date(2021, 12, 19)) == old
    assert on(dave, DeputyLevel.DISTRICT, on=dt.date(2021, 12, 20)) == new
    assert on(dave, DeputyLevel.DISTRICT, on=dt.date(2022, 1, 3)) == new
    assert on(dave, DeputyLevel.DISTRICT, on=dt.date(2026, 12, 20)) is None
    assert on(dave, DeputyLevel.TOWNSHIP, on=dt.date(2022, 1, 3)) is None
    assert list(dave.terms.all()) == [new, old]


def test_it_defaults_to_the_deputys_own_level(world):
    dave = world.deputy_dave
    dave.level = DeputyLevel.DISTRICT
    dave.save()
    _old, new = _terms(dave)
    assert DeputyTerm.objects.current_for(dave, on=dt.date(2024, 5, 1)) == new
    assert DeputyTerm.objects.current_for(dave.pk, on=dt.date(2024, 5, 1)) == new


def test_the_deputy_page_lists_the_terms(client, world):
    _terms(world.deputy_dave)
    client.force_login(world.user("staff"))
    html = client.get(f"/deputies/{world.deputy_dave.pk}/").content.decode()
    assert "2021-12-20 – 2026-12-19" in html
    assert "2016-12-20 – 2021-12-19" in html
