"""core.roles: every role and the bell's count in one query, once per request."""

import datetime as dt

from django.urls import reverse

from core.models import Notification
from core.roles import roles_of, unread_notifications
from tests import factories as f


def test_it_reads_every_role_of_a_user_in_one_query(world, django_assert_num_queries):
    user = world.user("staff")
    f.ClerkScopeFactory.create(user=user, region=world.district_y)
    f.DepartmentHandlerFactory.create(user=user, department=world.department)
    deputy = f.DeputyFactory.create(name="张三", user=user)
    with django_assert_num_queries(1):
        roles = roles_of(user)
        roles_of(user)
    assert roles.clerk_region_paths == (world.district_y.path,)
    assert roles.staff_station_ids == {world.station_a.pk}
    assert roles.handler_department_ids == {world.department.pk}
    assert roles.deputy_id == deputy.pk


def test_an_inactive_deputy_profile_is_no_role(world):
    user = world.user("nobody")
    f.DeputyFactory.create(name="李四", user=user, is_active=False)
    assert roles_of(user).deputy_id is None and not roles_of(user).is_anyone


def test_the_bell_shows_the_unread_count_read_with_the_roles(world, client):
    user = world.user("staff")
    for n in range(3):
        Notification.objects.create(user=user, title=f"提醒{n}")
    Notification.objects.create(
        user=user, title="已读", read_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    Notification.objects.create(user=world.user("clerk"), title="别人的")
    assert unread_notifications(user) == 3
    client.force_login(user)
    html = client.get(reverse("core:notifications")).content.decode()
    assert 'text-bg-danger">3</span>' in html
