"""Rate limit per API key (per user for a session), ``API_RATE_PER_MINUTE`` requests a minute.

The counters live in the project cache through ``core.cache``: when Redis is down the limit
falls back to this process's memory instead of answering 500.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from core.cache import cache as fallback_cache

from .auth import integration_of


class KeyRateThrottle(SimpleRateThrottle):
    cache = fallback_cache
    scope = "api"

    def get_rate(self) -> str:
        return f"{settings.API_RATE_PER_MINUTE}/min"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        integration = integration_of(request)
        if integration is not None:
            ident = f"key{integration.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user{request.user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return f"api-throttle:{ident}"
