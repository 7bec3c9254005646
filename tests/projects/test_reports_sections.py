"""The deputy's performance record (reports/) shows their part in the livelihood projects —
proposed, supervised, inspected — and never how they voted."""

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.choices import Status

from .factories import make_candidate, make_cycle

pytestmark = pytest.mark.django_db


def test_the_deputy_record_shows_the_projects(world, as_role):
    today = timezone.localdate()
    cycle = make_cycle(world, year=today.year)
    c = make_candidate(world, Status.IN_PROGRESS, cycle=cycle)  # by 戴伟, who supervises it
    make_candidate(world, Status.REJECTED)  # another year's cycle
    services.inspection_record(
        actor=world.user("deputy"), candidate=c, visited_on=today, opinion="进度正常"
    )
    html = as_role("deputy").get(
        reverse("ledgers:record", args=[world.deputy_dave.pk, c.cycle.year])
    )
    html = html.content.decode()
    assert 'id="record-projects"' in html
    assert 'data-figure="proposed">1<' in html  # the rejected one is another year's
    assert 'data-figure="chosen">1<' in html
    assert 'data-figure="supervised">1<' in html
    assert 'data-figure="inspections">1<' in html
    section = html.split('id="record-projects"')[1]
    assert "For" not in section and "Against" not in section


def test_the_department_table_shows_each_departments_projects(world, as_role):
    import datetime as dt

    today = timezone.localdate()
    c = make_candidate(world, Status.IN_PROGRESS, cycle=make_cycle(world, year=today.year))
    handler = world.user("handler")
    m = services.milestone_add(
        actor=handler, candidate=c, title="设计", due_date=today - dt.timedelta(days=4)
    )
    services.milestone_done(
        actor=handler, candidate=c, milestone=m, done_on=today - dt.timedelta(days=5)
    )
    services.milestone_add(
        actor=handler, candidate=c, title="施工", due_date=today - dt.timedelta(days=1)
    )
    html = as_role("clerk").get(reverse("reports:departments")).content.decode()
    section = html.split('id="department-projects"')[1]
    row = section.split(f'data-department="{world.department.pk}"')[1].split("</tr>")[0]
    # led 1, completed 0; milestones due 2, on time 1 → 50.0%; overdue 1
    assert 'data-figure="led">1<' in row and 'data-figure="completed">0<' in row
    assert 'data-figure="on_time">50.0%<' in row and 'data-figure="overdue">1<' in row
