"""Sessions: idle and absolute timeouts, nightly clean-up, none for anonymous pages, no-store."""

import datetime as dt
import time

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from core import tasks
from core.middleware import SessionTimeoutMiddleware as Timeout
from core.schedules import declared_schedules


def _backdate(client, **seconds_ago) -> None:
    session = client.session
    now = int(time.time())
    if "started" in seconds_ago:
        session[Timeout.STARTED] = now - seconds_ago["started"]
    if "seen" in seconds_ago:
        session[Timeout.SEEN] = now - seconds_ago["seen"]
    session.save()


def test_it_signs_out_after_eight_idle_hours_by_default(as_role, settings):
    client = as_role("staff")
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 3600
    assert client.get(reverse("petitions:list")).status_code == 200
    _backdate(client, seen=8 * 3600 + 5)
    response = client.get(reverse("petitions:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_keeps_an_active_login_and_the_idle_time_is_configurable(as_role, settings):
    settings.SESSION_IDLE_TIMEOUT = 600
    client = as_role("staff")
    client.get(reverse("petitions:list"))
    _backdate(client, seen=300)
    assert client.get(reverse("petitions:list")).status_code == 200
    _backdate(client, seen=601)
    assert client.get(reverse("petitions:list")).status_code == 302


def test_it_signs_out_after_the_absolute_lifetime_even_when_active(as_role, settings):
    client = as_role("staff")
    client.get(reverse("petitions:list"))
    _backdate(client, started=settings.SESSION_ABSOLUTE_TIMEOUT + 5, seen=10)
    assert client.get(reverse("petitions:list")).status_code == 302
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_TIMEOUT


def test_expired_sessions_are_cleared_nightly_on_beat(db):
    assert any(s.task == "core.tasks.clear_expired_sessions" for s in declared_schedules())
    Session.objects.create(
        session_key="old", session_data="", expire_date=timezone.now() - dt.timedelta(days=1)
    )
    Session.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + dt.timedelta(days=1)
    )
    tasks.clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def test_anonymous_visitors_of_the_public_form_and_captcha_get_no_session_row(client, world):
    form = reverse("public:station_submit", args=[world.station_a.public_code])
    for _ in range(5):
        assert client.get(form).status_code == 200
        assert client.get(reverse("public:captcha")).status_code == 200
        assert client.get(reverse("public:track")).status_code == 200
    assert Session.objects.count() == 0


def test_logged_in_and_personal_pages_are_private_and_not_stored(as_role, client, world):
    form = reverse("public:station_submit", args=[world.station_a.public_code])
    assert client.get(form)["Cache-Control"] == "private, no-store"
    staff = as_role("staff")
    for name in ("home", "petitions:list"):
        cache_control = staff.get(reverse(name))["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, name
