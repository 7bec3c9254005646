"""Test doubles for outages: a cache that raises, and URLs that fail like a dead database."""

from django.core.cache.backends.base import BaseCache
from django.db import OperationalError
from django.urls import include, path


class BrokenCache(BaseCache):
    """Every call fails as redis-py does when Redis is stopped."""

    def __init__(self, location, params) -> None:
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    get = set = add = incr = delete = touch = has_key = clear = get_many = set_many = _down


def database_down(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-faults/db-down/", database_down),
    path("test-faults/crash/", crash),
    path("", include("config.urls")),
]
handler500 = "core.views.server_error"
