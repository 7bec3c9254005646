"""Helpers for the API tests: keys for the named world and a client that sends them."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.utils import timezone

from api import services
from api.models import Access

# A full mobile number or an 18-character ID number anywhere in an answer.
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def pii_in(text: str) -> list[str]:
    return FULL_PHONE.findall(text) + FULL_ID.findall(text)


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
    """A test client that sends ``Authorization: Bearer <key>``.

    Every answer of the API test run goes through here and is grepped: unless the client was
    made with ``pii=True`` (a key holding the PII right), a full mobile number or ID number in
    any answer fails the test that asked.
    """

    def __init__(self, key: str | None = None, *, pii: bool = False, **kw) -> None:
        super().__init__(**kw)
        self.key = key
        self.pii = pii

    def request(self, **request):
        if self.key:
            request.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.key}")
        response = super().request(**request)
        if not self.pii and not getattr(response, "streaming", False):
            found = pii_in(response.content.decode("utf-8", "replace"))
            assert not found, f"personal data in {request.get('PATH_INFO')}: {found}"
        return response

    def get_json(self, path: str, data=None):
        return self.get(path, data)

    def post_json(self, path: str, payload: dict, **extra):
        return self.post(path, payload, content_type="application/json", **extra)
