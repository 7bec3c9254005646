"""API keys: ``lk_<prefix>_<secret>``, shown once, stored as the SHA-256 of the whole key.

The short public prefix finds the row with one indexed lookup; the hash is compared in
constant time. A key is random (32 bytes), so a plain SHA-256 is enough: there is nothing to
guess that a slow hash would protect.
"""

from __future__ import annotations

import hashlib
import secrets

from django.utils.crypto import constant_time_compare

PREFIX_BYTES = 4  # 8 hex characters


def new_key() -> tuple[str, str, str]:
    """(key, prefix, hash) for a new integration."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    key = f"lk_{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, key_hash(key)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def prefix_of(key: str) -> str | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "lk" or len(parts[1]) != 2 * PREFIX_BYTES:
        return None
    return parts[1]


def matches(key: str, stored_hash: str) -> bool:
    return constant_time_compare(key_hash(key), stored_hash)
