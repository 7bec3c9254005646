"""API keys: shown once, stored hashed, refused when revoked, expired or unknown; rate limited."""

from __future__ import annotations

from unittest import mock

import pytest
from django.urls import reverse

from api import keys
from api.models import Access, Integration

from .support import KeyClient, expired_key, make_key

ME = "/api/v1/me/"


def test_it_stores_only_the_hash_and_the_prefix(world):
    integration, key = make_key(world)
    row = Integration.objects.get(pk=integration.pk)
    assert key.startswith(f"lk_{row.key_prefix}_")
    assert row.key_hash == keys.key_hash(key)
    assert key not in {row.key_hash, row.key_prefix}
    assert not row.user.is_active and not row.user.has_usable_password()


def test_it_answers_a_good_key_with_its_scope(world):
    _i, key = make_key(world)
    response = KeyClient(key).get(ME)
    assert response.status_code == 200
    assert response.json() == {
        "integration": "区智慧人大平台",
        "region": "南湖区",
        "access": "read",
        "can_see_pii": False,
    }


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "tampered", "garbage"])
def test_it_refuses_a_bad_key(world, how):
    from api import services

    integration, key = make_key(world)
    if how == "revoked":
        services.integration_revoke(actor=world.user("admin"), integration=integration)
    elif how == "expired":
        _i, key = expired_key(world)
    elif how == "unknown":
        key = keys.new_key()[0]
    elif how == "tampered":
        key = key[:-1] + ("A" if key[-1] != "A" else "B")
    else:
        key = "not-a-key"
    response = KeyClient(key).get(ME)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid, expired or revoked API key."


def test_it_refuses_anonymous_callers(world):
    assert KeyClient().get(ME).status_code in (401, 403)


def test_a_read_key_cannot_write(world):
    _i, key = make_key(world, access=Access.READ)
    response = KeyClient(key).post_json(ME, {})
    assert response.status_code == 403


def test_staff_may_use_their_session(world):
    client = KeyClient()
    client.force_login(world.user("staff"))
    assert client.get(ME).json()["access"] == "session"


def test_a_user_without_a_role_may_not_use_the_session(world):
    client = KeyClient()
    client.force_login(world.user("nobody"))
    assert client.get(ME).status_code == 403


def test_it_limits_requests_per_key(world, settings):
    settings.API_RATE_PER_MINUTE = 3
    _a, key_a = make_key(world)
    _b, key_b = make_key(world, name="第二个")
    a = KeyClient(key_a)
    assert [a.get(ME).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another key has its own counter.
    assert KeyClient(key_b).get(ME).status_code == 200


def test_the_limit_fails_soft_when_the_cache_is_down(world, settings):
    from core.cache import cache

    cache.local.clear()  # the fallback memory is per process, not reset between tests
    settings.API_RATE_PER_MINUTE = 2
    _i, key = make_key(world)
    broken = mock.Mock()
    broken.get.side_effect = ConnectionError("redis down")
    broken.set.side_effect = ConnectionError("redis down")
    with mock.patch("core.cache.caches", {"default": broken}):
        client = KeyClient(key)
        # Process memory takes over: still answered, still limited.
        assert [client.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    assert broken.get.called


def test_the_schema_and_the_docs_are_served(world):
    client = KeyClient()
    client.force_login(world.user("clerk"))
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    docs = client.get(reverse("api:docs"))
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content and b"https://" not in docs.content
    redoc = client.get(reverse("api:redoc"))
    assert redoc.status_code == 200
    assert b"fonts.googleapis" not in redoc.content
    assert "worker-src blob:" in redoc["Content-Security-Policy"]
    assert "blob:" not in docs["Content-Security-Policy"]
