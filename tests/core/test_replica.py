"""Read replica routing with two SQLite databases: the replica holds different rows, so every
read shows which database answered."""

import time

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test import RequestFactory

from core import replica
from stations.models import Region


@pytest.fixture
def two_databases(settings, tmp_path, db):
    """A second SQLite file registered as ``replica``, with the regions table only (an SQLite
    file whatever the primary is, so the suite proves the routing on PostgreSQL as well)."""
    primary = connections["default"].settings_dict
    config = {
        **primary,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(tmp_path / "replica.sqlite3"),
        "OPTIONS": {},
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    connections.settings[replica.REPLICA] = config
    settings.DATABASES = {**settings.DATABASES, replica.REPLICA: config}
    try:
        conn = connections[replica.REPLICA]
        # The test case forbids databases it was not told about; this one is made on purpose.
        conn.connect()
        with conn.schema_editor() as editor:
            editor.create_model(Region)
        # What the replica has not received yet, and what it has that the primary changed since.
        Region.objects.create(name="主库省", code="110000", level="province")
        Region.objects.using(replica.REPLICA).create(name="从库省", code="120000", level="province")
        yield
    finally:
        # Never leave the alias behind: later tests in this worker would route to it.
        if replica.REPLICA in connections.settings:
            connections[replica.REPLICA].close()
            del connections[replica.REPLICA]
            del connections.settings[replica.REPLICA]


def _names() -> list[str]:
    return list(Region.objects.values_list("name", flat=True))


def test_reads_go_to_the_replica_only_inside_a_replica_block(two_databases):
    assert _names() == ["主库省"]
    with replica.replica_reads():
        assert _names() == ["从库省"]
    assert _names() == ["主库省"]


def test_writes_go_to_the_primary_even_inside_a_replica_block(two_databases):
    with replica.replica_reads():
        Region.objects.create(name="新区", code="130000", level="province")
    assert "新区" in _names()
    assert not Region.objects.using(replica.REPLICA).filter(name="新区").exists()


def _pages(session: dict):
    """A POST that 'writes', and a dashboard-like GET decorated with use_replica."""

    @replica.use_replica
    def dashboard(request):
        return HttpResponse(",".join(_names()))

    middleware = replica.PinPrimaryMiddleware(dashboard)
    factory = RequestFactory()

    def get() -> str:
        request = factory.get("/reports/")
        request.session = session
        return middleware(request).content.decode()

    def post() -> int:
        request = factory.post("/petitions/1/accept/")
        request.session = session
        return middleware(request).status_code

    return get, post


def test_a_users_own_fresh_write_is_read_from_the_primary(two_databases, settings, monkeypatch):
    settings.REPLICA_PIN_SECONDS = 10
    session: dict = {}
    get, post = _pages(session)
    assert get() == "从库省"  # a dashboard reads the replica
    post()
    assert get() == "主库省"  # the writer's next pages read the primary …
    later = time.time() + 11
    monkeypatch.setattr(replica.time, "time", lambda: later)
    assert get() == "从库省"  # … until the pin runs out
    assert session[replica.PIN_KEY] < later


def test_without_a_replica_everything_reads_the_primary_and_no_session_is_written(db):
    session: dict = {}
    get, post = _pages(session)
    Region.objects.create(name="主库省", code="110000", level="province")
    post()
    assert get() == "主库省" and session == {}
