"""Who is calling: an integration by its key, or a signed-in staff member by the session.

``Authorization: Bearer lk_…`` (or ``X-Api-Key: lk_…``). A revoked, expired or unknown key is
refused with 401 and the same message, so a caller learns nothing about which keys exist.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import keys
from .models import Integration

# last_used_at is written at most this often per key, not on every request.
_TOUCH_EVERY_SECONDS = 60


def integration_of(request: Any) -> Integration | None:
    """The integration behind a request authenticated by key (None for a session)."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, Integration) else None


def _key_from(request: Any) -> str | None:
    header = authentication.get_authorization_header(request).decode("latin-1").strip()
    if header:
        scheme, _sep, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
        return None
    key = request.META.get("HTTP_X_API_KEY", "").strip()
    if not key:
        # Open311 clients send the key as an ``api_key`` parameter (query string or form).
        raw = request._request
        key = (raw.GET.get("api_key") or "").strip()
        form_types = ("application/x-www-form-urlencoded", "multipart/form-data")
        if not key and raw.method == "POST" and raw.content_type in form_types:
            key = (raw.POST.get("api_key") or "").strip()
    return key or None


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """``request.user`` is the integration's service account, ``request.auth`` the integration."""

    keyword = "Bearer"

    def authenticate(self, request: Any):
        key = _key_from(request)
        if key is None:
            return None
        refused = exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        prefix = keys.prefix_of(key)
        if prefix is None:
            raise refused
        integration = (
            Integration.objects.select_related("user", "region").filter(key_prefix=prefix).first()
        )
        if integration is None or not keys.matches(key, integration.key_hash):
            raise refused
        if not integration.is_usable:
            raise refused
        now = timezone.now()
        last = integration.last_used_at
        if last is None or (now - last).total_seconds() > _TOUCH_EVERY_SECONDS:
            Integration.objects.filter(pk=integration.pk).update(last_used_at=now)
        return integration.user, integration

    def authenticate_header(self, request: Any) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session sign-in, with its CSRF refusal in the reader's language.

    DRF writes "CSRF Failed: <Django's reason>" untranslated; a staff member's browser script
    gets the product's own words instead (the same as the HTML form-expired page).
    """

    def enforce_csrf(self, request: Any) -> None:
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied as exc:
            raise exceptions.PermissionDenied(
                _("The form has expired: reload the page and send it again.")
            ) from exc
