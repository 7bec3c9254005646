"""core.roles: every role and the bell's count in one query, with the request's user itself."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.backends import RolesBackend
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
    assert roles.staff_region_paths == {world.street_s1.path}


def test_the_requests_user_brings_its_roles_and_unread_count_in_the_same_query(world):
    user = world.user("staff")
    f.ClerkScopeFactory(user=user, region=world.district_y)
    f.ClerkScopeFactory(user=user, region=world.city)
    Notification.objects.create(user=user, title="提醒")
    with CaptureQueriesContext(connection) as ctx:
        loaded = RolesBackend().get_user(user.pk)
        roles = roles_of(loaded)
        unread = unread_notifications(loaded)
    assert len(ctx.captured_queries) == 1
    assert roles.clerk_region_paths == tuple(sorted([world.city.path, world.district_y.path]))
    assert roles.staff_station_ids == {world.station_a.pk} and unread == 1
    # The statement is compiled once: the next user gets their own roles, not the first one's.
    clerk = roles_of(RolesBackend().get_user(world.user("clerk").pk))
    assert clerk.clerk_region_paths == (world.district_x.path,) and not clerk.staff_station_ids
    assert RolesBackend().get_user(999_999) is None
    assert RolesBackend().get_user("not-an-id") is None
    assert roles_of(RolesBackend().get_user(world.user("nobody").pk)).is_anyone is False


def test_a_role_given_during_the_request_counts_once_the_cache_is_dropped(world):
    user = RolesBackend().get_user(world.user("nobody").pk)
    assert not roles_of(user).is_handler
    f.DepartmentHandlerFactory(user=user, department=world.department)
    user.__dict__.pop("_roles_cache")
    assert roles_of(user).handler_department_ids == {world.department.pk}


def test_an_inactive_user_is_not_loaded(world):
    user = world.user("nobody")
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert RolesBackend().get_user(user.pk) is None


def test_an_inactive_deputy_profile_is_no_role(world):
    user = world.user("nobody")
    f.DeputyFactory.create(name="李四", user=user, is_active=False)
    assert roles_of(user).deputy_id is None and not roles_of(user).is_anyone


def test_every_signed_in_page_reads_session_and_user_with_roles_in_two_queries(world, client):
    client.force_login(world.user("staff"))
    client.get(reverse("core:notification_settings"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("core:notification_settings")).status_code == 200
    session, user, *rest = (q["sql"] for q in ctx.captured_queries)
    assert session.startswith('SELECT "django_session"')
    assert user.startswith('SELECT "core_user"') and "stations_staffpost" in user
    assert not any('"stations_staffpost"' in sql or '"core_notification"' in sql for sql in rest)


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
