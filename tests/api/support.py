"""Helpers for the API tests: keys for the named world and a client that sends them."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from api import services
from api.models import Access

# Every JSON answer of the API test run, for the PII grep at the end (test_pii.py).
SEEN: list[str] = []


def make_key(world, region=None, *, access=Access.READ, pii=False, name="区智慧人大平台", **kw):
    """An integration for ``region`` (district X by default) created by the admin; (row, key)."""
    return services.integration_create(
        actor=world.user("admin"),
        name=name,
        region=region or world.district_x,
        access=access,
        can_see_pii=pii,
        **kw,
    )


def expired_key(world):
    integration, key = make_key(world, expires_at=timezone.now() + dt.timedelta(days=1))
    integration.expires_at = timezone.now() - dt.timedelta(seconds=1)
    integration.save(update_fields=["expires_at"])
    return integration, key


class KeyClient(Client):
    """A test client that sends ``Authorization: Bearer <key>`` and records every answer."""

    def __init__(self, key: str | None = None, **kw) -> None:
        super().__init__(**kw)
        self.key = key

    def request(self, **request):
        if self.key:
            request.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.key}")
        response = super().request(**request)
        if response.get("Content-Type", "").startswith("application/json"):
            SEEN.append(response.content.decode())
        return response

    def get_json(self, path: str, data=None):
        return self.get(path, data)

    def post_json(self, path: str, payload: dict, **extra):
        return self.post(path, payload, content_type="application/json", **extra)
