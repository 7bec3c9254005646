"""The suggestion figures in reports/: the deputy's performance record and the league table."""

import pytest
from django.urls import reverse
from django.utils import timezone

from suggestions.choices import Classification, Status

from .factories import make_suggestion

pytestmark = pytest.mark.django_db


def test_the_deputy_record_shows_the_suggestions_led(world, as_role):
    make_suggestion(world, Status.CLOSED, classification=Classification.A)
    make_suggestion(world, Status.FOLLOWING, classification=Classification.B)
    make_suggestion(world, Status.SUBMITTED)  # not registered: not counted
    year = timezone.localdate().year
    html = as_role("deputy").get(reverse("ledgers:record", args=[world.deputy_dave.pk, year]))
    html = html.content.decode()
    assert 'id="record-suggestions"' in html
    assert 'data-figure="led">2<' in html
    assert "A 1 · B 1 · C 0" in html
    assert "50.0%" in html  # adoption: one A of two replied


def test_the_department_table_shows_each_departments_suggestions(world, as_role):
    make_suggestion(world, Status.REPLIED, classification=Classification.C)
    html = as_role("clerk").get(reverse("reports:departments")).content.decode()
    assert 'id="department-suggestions"' in html
    section = html.split('id="department-suggestions"')[1]
    row = section.split(world.department.name)[1].split("</tr>")[0]
    assert row.count('class="text-end">1<') == 2  # registered 1, replied 1
    assert "0.0%" in row  # adoption: no A
