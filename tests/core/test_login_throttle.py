"""Login throttling per account across addresses (issue 9 #8)."""

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import Channel, LoginLock, OutboxMessage

from .test_login import PASSWORD


def _try(username: str, password: str, ip: str):
    return Client().post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _lock(settings, username="staff"):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _try(username, f"guess-{i}", f"10.0.{i}.1")
    return LoginLock.objects.get(username=username)


def test_guesses_from_many_addresses_lock_the_account(world, settings):
    for i in range(40):
        _try("staff", f"guess-{i}", f"10.0.{i % 10}.1")
    assert _try("staff", PASSWORD, "10.99.0.1").status_code == 429
    assert LoginLock.objects.get(username="staff").locked_until > timezone.now()


def test_tries_during_the_lock_do_not_extend_it(world, settings):
    until = _lock(settings).locked_until
    for i in range(10):
        assert _try("staff", PASSWORD if i % 2 else "x", "10.1.1.1").status_code == 429
    assert LoginLock.objects.get(username="staff").locked_until == until


def test_the_right_password_works_once_the_cool_down_is_over(world, settings):
    lock = _lock(settings)
    _try("staff", PASSWORD, "10.1.1.1")  # refused during the lock
    LoginLock.objects.filter(pk=lock.pk).update(locked_until=timezone.now() - dt.timedelta(1))
    response = _try("staff", PASSWORD, "10.1.1.1")
    assert response.status_code == 302 and response.url == reverse("home")


def test_each_further_lock_within_a_day_lasts_twice_as_long(world, settings):
    first = _lock(settings)
    first_length = first.locked_until - first.last_failure_at
    LoginLock.objects.filter(pk=first.pk).update(locked_until=timezone.now())
    second = _lock(settings)
    assert first_length == dt.timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)
    assert second.locked_until - second.last_failure_at == 2 * first_length


def test_the_owner_is_told_once_per_lock(world, settings):
    _lock(settings)
    for _ in range(3):
        _try("staff", "x", "10.1.1.1")
    told = OutboxMessage.objects.filter(user=world.user("staff"), channel=Channel.IN_APP)
    assert told.filter(subject__contains="locked after repeated failed logins").count() == 1


def test_one_address_does_not_lock_the_office_behind_it(world, settings):
    for username in ("clerk", "deputy", "handler"):
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            _try(username, f"x{i}", "10.7.7.7")
    assert _try("staff", PASSWORD, "10.7.7.7").status_code == 302


def test_the_address_cap_stops_a_spray_over_many_accounts(world, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for i in range(6):
        _try(f"user{i}", "x", "10.8.8.8")
    assert _try("staff", PASSWORD, "10.8.8.8").status_code == 429
    assert _try("staff", PASSWORD, "10.8.8.9").status_code == 302


def test_logging_into_another_account_does_not_reset_a_locked_ones_count(world, settings):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        _try("staff", f"x{i}", "10.6.6.6")
    assert _try("clerk", PASSWORD, "10.6.6.6").status_code == 302
    assert _try("staff", "x-last", "10.6.6.6").status_code == 429


def test_an_administrator_unlocks_with_the_user_list_action(world, settings, client):
    _lock(settings)
    client.force_login(world.user("admin"))
    staff = world.user("staff")
    response = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "unlock_login", "_selected_action": [staff.pk]},
    )
    assert response.status_code == 302
    assert _try("staff", PASSWORD, "10.1.1.1").status_code == 302
