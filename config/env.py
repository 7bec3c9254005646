"""Strict environment helpers: a value that cannot be parsed stops start-up with a clear error.

Silently falling back on a typo (``DEBUG=ture``) is how a production site ends up in debug
mode, so every helper raises ``ImproperlyConfigured`` naming the variable and the bad value.
"""

import os

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use one of true/false/1/0/yes/no")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name}={value} is outside {minimum}..{maximum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} must be one of {sorted(choices)}")
    return value


def env_database(name: str) -> dict | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # environ raises a mix of errors for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    # environ passes an unknown scheme through as the engine name; accept Django's own only.
    if not str(config.get("ENGINE", "")).startswith("django.db.backends."):
        raise ImproperlyConfigured(
            f"{name} has an unsupported scheme; use postgres:// or sqlite://"
        )
    return config
