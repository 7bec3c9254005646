"""Cache down and PostgreSQL gone, with the real backends (the suite's small version of
bench/battery/outages.py).

* The cache: Django's real Redis cache backend pointed at a closed loopback port while the
  broker stays on the real Redis. Public and staff pages answer normally and submissions save.
* PostgreSQL: the shared cluster is never restarted. A request whose connection is refused
  (the database settings pointed at a closed port) or was ended by the server
  (``pg_terminate_backend`` of this test's own connection) gets the product's 503 page in
  Chinese with ``Retry-After`` and what was typed, and nothing is half saved.

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI runs it, a bare machine skips it.
"""

from __future__ import annotations

import os

import pytest
import redis
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from core import cache as fallback
from petitions.models import Petition
from tests.conftest import skip_or_fail
from tests.petitions.public_support import CAPTCHA, PHONE, known_captcha

pytestmark = [pytest.mark.services, pytest.mark.xdist_group("services")]
CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
CHINESE_503 = "系统暂时无法使用"


@pytest.fixture(autouse=True)
def _services():
    if not (
        os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")
    ):
        skip_or_fail("needs DATABASE_URL (PostgreSQL) and REDIS_URL")


def _form(client, world) -> tuple[str, dict]:
    url = reverse("public:station_submit", args=[world.station_a.public_code])
    page = client.get(url)
    assert page.status_code == 200
    return url, {
        "title": "路灯坏了",
        "content": "幸福里小区3幢门口的路灯坏了两周。",
        "constituent_name": "张三丰",
        "phone": PHONE,
        "consent": "on",
        "captcha": CAPTCHA,
        "captcha_token": page.context["captcha"].token,
        "idempotency_key": page.context["form"].initial["idempotency_key"],
    }


def test_with_the_redis_cache_unreachable_pages_answer_and_submissions_save(world, monkeypatch):
    known_captcha(monkeypatch)
    fallback.cache.local.clear()
    broken = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}
    }
    with override_settings(CACHES=broken):
        from django.core.cache import cache

        with pytest.raises(redis.exceptions.ConnectionError):
            cache.get("anything")  # really down
        public = Client(REMOTE_ADDR="10.60.0.1")
        url, data = _form(public, world)
        response = public.post(url, data)
        assert response.status_code == 302
        petition = Petition.objects.get()
        code = petition.tracking_code
        answers = [
            public.get(response.url).status_code,
            public.get(reverse("public:track")).status_code,
            public.get(reverse("public:track"), {"code": code}).status_code,
            public.get(reverse("public:track_detail", args=[code])).status_code,
            public.get(reverse("public:track"), {"code": "ABCD-EFGH-JKMN-PQ"}).status_code,
        ]
        assert answers == [200, 200, 302, 200, 200]

        staff = Client(REMOTE_ADDR="10.60.0.2")
        staff.force_login(world.user("staff"))
        pages = ["/", reverse("petitions:list"), reverse("petitions:detail", args=[petition.pk])]
        assert [staff.get(p, follow=True).status_code for p in pages] == [200, 200, 200]
        response = staff.post(
            reverse("petitions:create"),
            {
                "station": world.station_a.pk,
                "channel": "phone",
                "title": "井盖缺失",
                "content": "路口井盖缺失。",
                "constituent_name": "韩梅",
                "phone": "13700003333",
                "idempotency_key": "cache-down-1",
            },
        )
        assert response.status_code == 302
    assert Petition.objects.count() == 2
    fallback.cache.local.clear()


@pytest.fixture
def database_gone(transactional_db):
    """Yields a function that ends this test's PostgreSQL connection from the server side;
    the connection is reopened after the test."""
    import psycopg2

    params = connection.settings_dict

    def terminate() -> None:
        connection.ensure_connection()
        pid = connection.connection.get_backend_pid()
        admin = psycopg2.connect(
            host=params["HOST"] or "127.0.0.1",
            port=params["PORT"] or 5432,
            user=params["USER"],
            password=params["PASSWORD"] or None,
            dbname="postgres",  # never this database: the other connection is the one ended
        )
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        finally:
            admin.close()

    yield terminate
    connection.close()


def _assert_our_503(response, typed: str) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert CHINESE_503 in html and typed in html
    assert PHONE not in html  # a phone number is not repeated


def test_a_connection_ended_by_the_server_gets_the_chinese_503_and_saves_nothing(
    world, database_gone, monkeypatch
):
    known_captcha(monkeypatch)
    client = Client(REMOTE_ADDR="10.61.0.1", raise_request_exception=False)
    client.cookies["django_language"] = "zh-hans"  # the suite runs in English
    url, data = _form(client, world)
    before = Petition.objects.count()
    database_gone()
    _assert_our_503(client.post(url, data), "幸福里小区3幢门口的路灯坏了两周。")
    connection.close()  # what Django does at the end of every request: the next one reconnects
    assert Petition.objects.count() == before
    # Back + Send again once the database is there: saved once.
    assert client.post(url, data).status_code == 302
    assert Petition.objects.count() == before + 1


def test_a_refused_connection_gets_the_chinese_503(world, transactional_db, monkeypatch):
    known_captcha(monkeypatch)
    client = Client(REMOTE_ADDR="10.61.0.2", raise_request_exception=False)
    client.cookies["django_language"] = "zh-hans"
    url, data = _form(client, world)
    before = Petition.objects.count()
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        _assert_our_503(client.post(url, data), "幸福里小区3幢门口的路灯坏了两周。")
        # A GET page that reads the database too: the product's page, not a bare 500.
        page = client.get(reverse("public:track_detail", args=["ABCDEFGHJKMNPQ"]))
        assert page.status_code == 503 and CHINESE_503 in page.content.decode()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert Petition.objects.count() == before
