"""/healthz and /readyz: what a load balancer sees."""

import pytest
from django.db import OperationalError

from core import health


def test_it_says_ok_without_touching_the_database(client):
    # No django_db mark: any query (a session, a user, a context processor) would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_is_ready_when_the_database_and_broker_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content.decode() == "database: ok\nbroker: ok\n"


@pytest.mark.django_db
def test_it_is_not_ready_when_the_broker_is_down(client, settings):
    # A closed loopback port: nothing listens there.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content.decode() == "database: ok\nbroker: down\n"


@pytest.mark.django_db
def test_it_is_not_ready_when_the_database_is_down(client, monkeypatch):
    class Broken:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    class Conn:
        def cursor(self):
            return Broken()

    monkeypatch.setattr(health, "connections", {"default": Conn()})
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "database: down" in response.content.decode()


def test_it_refuses_a_post(client):
    assert client.post("/healthz").status_code == 405
