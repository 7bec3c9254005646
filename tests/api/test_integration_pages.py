"""The integrations pages: a clerk creates a key for their area (shown once) and revokes it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from api.models import Integration


def test_it_shows_the_key_once(world, client):
    client.force_login(world.user("clerk"))
    response = client.post(
        reverse("integrations:create"),
        {"name": "网格平台", "region": world.district_x.pk, "access": "read"},
    )
    assert response.status_code == 200
    integration = Integration.objects.get(name="网格平台")
    assert f"lk_{integration.key_prefix}_".encode() in response.content
    listing = client.get(reverse("integrations:list"))
    assert "网格平台" in listing.content.decode()
    # The list names the prefix only, never the whole key.
    body = listing.content.decode()
    assert f"lk_{integration.key_prefix}_…" in body


def test_a_clerk_cannot_pick_another_district(world, client):
    client.force_login(world.user("clerk"))
    with translation.override("en"):
        response = client.post(
            reverse("integrations:create"),
            {"name": "越权", "region": world.district_y.pk, "access": "read"},
        )
    assert response.status_code == 200
    assert not Integration.objects.filter(name="越权").exists()
    assert b"Select a valid choice" in response.content
    # What was typed is shown again.
    assert "越权" in response.content.decode()


def test_it_revokes(world, client):
    from .support import KeyClient, make_key

    integration, key = make_key(world)
    client.force_login(world.user("clerk"))
    response = client.post(reverse("integrations:revoke", args=[integration.pk]))
    assert response.status_code == 302
    assert KeyClient(key).get("/api/v1/me/").status_code == 401


def test_another_district_clerk_does_not_see_it(world, client):
    from .support import make_key

    integration, _key = make_key(world)
    client.force_login(world.user("other_clerk"))
    assert "区智慧人大平台" not in client.get(reverse("integrations:list")).content.decode()
    assert client.post(reverse("integrations:revoke", args=[integration.pk])).status_code == 404
