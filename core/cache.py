"""The cache, with a per-process fallback for when it is down.

Rate-limit counters and one-use captcha marks live in the cache (Redis in production). If Redis
stops, a public page must not answer 500 and lose what the constituent typed: every call falls
back to this process's memory, which still limits and still refuses a reused captcha, only per
web process instead of site-wide, until the cache answers again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache

log = logging.getLogger(__name__)
_WARN_EVERY = 60.0  # seconds between "cache down" log lines


class FallbackCache:
    """``get/set/add/incr/delete`` on the default cache, or on local memory while it raises."""

    def __init__(self) -> None:
        self.local = LocMemCache("liaison-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self._warned_at = 0.0

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(caches["default"], name)(*args, **kwargs)
        except ValueError:  # incr() of a missing key: the caller's business, not an outage
            raise
        except Exception as exc:
            now = time.monotonic()
            if now - self._warned_at > _WARN_EVERY:
                self._warned_at = now
                log.warning("cache unavailable (%s); using process memory", type(exc).__name__)
            return getattr(self.local, name)(*args, **kwargs)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._call("set", key, value, timeout)

    def add(self, key: str, value: Any, timeout: int | None = None) -> bool:
        return self._call("add", key, value, timeout)

    def incr(self, key: str, delta: int = 1) -> int:
        return self._call("incr", key, delta)

    def delete(self, key: str) -> bool:
        return self._call("delete", key)


cache = FallbackCache()
