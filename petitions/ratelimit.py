"""Fixed-window counters in Django's cache, for the pages anyone can reach without an account.

A counter is (scope, who, window number); it expires on its own shortly after its window, so
nothing needs cleaning up. With Redis as the cache the counts are shared by all web workers;
while Redis is down they fall back to per-process memory (core.cache), never to an error.
"""

from __future__ import annotations

import ipaddress
import time

from core.cache import cache

MINUTE, HOUR = 60, 3600


def client_ip(request) -> str:
    # Only REMOTE_ADDR: X-Forwarded-For is typed by the client and would let anyone reset
    # their own counter. Behind a proxy listed in TRUSTED_PROXIES,
    # core.middleware.TrustedProxyMiddleware has already put the real client's address here.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def network_of(ip: str) -> str:
    """The address's network: its /24 (IPv4) or /64 (IPv6); a counter per network catches a
    client that rotates through its own block of addresses."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _key(scope: str, who: str, window: int) -> str:
    return f"ratelimit:{scope}:{who}:{int(time.time() // window)}"


def count(scope: str, who: str, *, window: int) -> int:
    """How many hits this window has seen so far."""
    return int(cache.get(_key(scope, who, window), 0))


def exceeded(scope: str, who: str, *, limit: int, window: int) -> bool:
    """True when the limit is already used up (the next hit would be one too many)."""
    return count(scope, who, window=window) >= limit


def hit(scope: str, who: str, *, window: int) -> int:
    """Count one hit and return the new count."""
    key = _key(scope, who, window)
    # add() is a no-op when the key exists, so concurrent first hits do not reset each other.
    cache.add(key, 0, timeout=window + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window + 5)
        return 1
