"""Cache, broker or database down: no server error, nothing typed lost, our own error pages."""

import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from config.celery import app as celery_app
from core import cache as fallback
from core.models import OutboxMessage, OutboxStatus
from petitions.models import Petition
from tests.core.faults import point_broker_at, swap_broker_pools
from tests.petitions.public_support import CAPTCHA, PHONE, known_captcha, submit

BROKEN_CACHE = {"default": {"BACKEND": "tests.core.faults.BrokenCache"}}


@pytest.fixture
def cache_down():
    fallback.cache.local.clear()
    with override_settings(CACHES=BROKEN_CACHE):
        yield
    fallback.cache.local.clear()


@pytest.fixture
def broker_down():
    """A broker URL that refuses connections, and tasks really published (not run eagerly)."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.broker_transport_options)
    # Set the working pools aside (closing them would break later tests in this process that
    # still hold them) and let the test build its own against the dead address.
    pools = swap_broker_pools(celery_app, (None, None))
    point_broker_at(celery_app, "redis://127.0.0.1:1/0", {})
    conf.update(task_always_eager=False)
    yield
    dead_pool, _ = swap_broker_pools(celery_app, pools)
    if dead_pool is not None:
        dead_pool.force_close_all()
    conf.update(broker_url=saved[0], task_always_eager=saved[1], broker_transport_options=saved[2])


def _public_form(client, world) -> tuple[str, dict]:
    url = reverse("public:station_submit", args=[world.station_a.public_code])
    response = client.get(url)
    assert response.status_code == 200
    return url, {
        "title": "路灯坏了",
        "content": "幸福里小区3幢门口的路灯坏了两周。",
        "constituent_name": "张三丰",
        "phone": PHONE,
        "consent": "on",
        "captcha": CAPTCHA,
        "captcha_token": response.context["captcha"].token,
        "idempotency_key": response.context["form"].initial["idempotency_key"],
    }


def test_with_the_cache_down_the_public_form_saves_and_still_limits(
    client, world, settings, cache_down, monkeypatch
):
    known_captcha(monkeypatch)
    settings.PUBLIC_SUBMIT_RATE = 1
    url, data = _public_form(client, world)
    response = client.post(url, data)
    assert response.status_code == 302
    code = Petition.objects.get().tracking_code
    # The limit still holds, per process, and the typed text comes back.
    url, data = _public_form(client, world)
    response = client.post(url, {**data, "title": "第二条意见"})
    assert response.status_code == 429
    assert "第二条意见" in response.content.decode()
    assert client.get(reverse("public:receipt", args=[code])).status_code == 200
    assert client.get(reverse("public:track")).status_code == 200
    response = client.get(reverse("public:track"), {"code": code}, follow=True)
    assert response.status_code == 200
    assert code in response.content.decode()


def test_with_the_broker_refusing_connections_saves_answer_normally_and_logs_no_phone(
    client,
    as_role,
    world,
    settings,
    broker_down,
    django_capture_on_commit_callbacks,
    caplog,
    monkeypatch,
):
    known_captcha(monkeypatch)
    url, data = _public_form(client, world)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    petition = Petition.objects.get()
    # Staff work on: accepting queues an SMS to the constituent after commit.
    staff = as_role("staff")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("petitions:accept", args=[petition.pk]), {"version": petition.version}
        )
    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == "accepted"
    # Left to the re-send sweep, and the log says so without the phone number.
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exists()
    assert "left for the sweep" in caplog.text
    assert PHONE not in caplog.text


def test_error_pages_are_our_own_and_in_chinese(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    client.cookies["django_language"] = "zh-hans"
    response = client.get("/no-such-page/")
    assert "页面不存在" in response.content.decode()
    assert "Not Found" not in response.content.decode()


@override_settings(ROOT_URLCONF="tests.core.faults")
def test_a_crash_shows_our_500_page_and_a_dead_database_a_503_with_the_typed_text(client, db):
    import config.urls

    assert config.urls.handler500 == "core.views.server_error"
    client.raise_request_exception = False
    response = client.get("/test-faults/crash/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
    response = client.post(
        "/test-faults/db-down/",
        {"title": "路灯坏了", "content": "门口的路灯坏了两周", "phone": PHONE},
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Temporarily unavailable" in html and "门口的路灯坏了两周" in html
    assert PHONE not in html


def test_the_bad_request_and_forbidden_pages_are_ours(client, db, settings):
    from django.template.loader import render_to_string
    from django.utils import translation

    # Pin the language: an earlier test in this process may have left Chinese active.
    with translation.override("en"):
        for name, text in (("400.html", "Bad request"), ("403.html", "Not allowed")):
            assert text in render_to_string(name)
    with translation.override("zh-hans"):
        assert "页面" in render_to_string("404.html")


def test_submitting_through_the_service_needs_no_broker(world, broker_down):
    petition = submit(world)
    assert petition.pk


def test_the_deadline_sweep_keeps_its_digests_with_the_broker_down(
    world, broker_down, django_capture_on_commit_callbacks, caplog
):
    import datetime as dt

    from django.utils import timezone

    from petitions.choices import Status
    from petitions.tasks import run_sweep
    from tests.petitions.factories import make_petition, set_deadline

    late = set_deadline(
        make_petition(world, Status.HANDLING), timezone.localdate() - dt.timedelta(days=40)
    )
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        counts = run_sweep()
    assert counts["level3"] == 1
    assert late.events.filter(kind="escalated").count() == 1
    # Committed and waiting for the re-send sweep; the delivery task could not be queued.
    digests = OutboxMessage.objects.filter(dedupe_key__startswith="sweep:")
    assert digests.exists()
    assert set(digests.values_list("status", flat=True)) == {OutboxStatus.PENDING}
    assert "could not queue core.tasks.deliver_outbox_batch" in caplog.text
