from django.urls import reverse


def url(station) -> str:
    return reverse("stations:detail", args=[station.pk])


def test_it_shows_the_station_page(as_role, world):
    world.station_a.has_site = world.station_a.has_staff = world.station_a.has_rules = True
    world.station_a.save()
    response = as_role("staff").get(url(world.station_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert world.station_a.name in body
    assert "3/6" in body and "50%" in body
    assert "张爱丽" in body  # the staff member
    assert "戴伟" in body  # the current deputy
    assert world.room_a1.name in body  # child room
    assert world.station_a.contact_phone in body
    assert reverse("stations:edit", args=[world.station_a.pk]) in body
    assert reverse("stations:poster", args=[world.station_a.pk]) in body
    assert reverse("stations:qr_png", args=[world.station_a.public_code]) in body


def test_it_hides_the_edit_link_from_deputies(as_role, world):
    body = as_role("deputy").get(url(world.station_a)).content.decode()
    assert reverse("stations:edit", args=[world.station_a.pk]) not in body


def test_it_hides_other_stations(as_role, world):
    assert as_role("staff").get(url(world.station_b)).status_code == 404
    assert as_role("other_clerk").get(url(world.station_a)).status_code == 404


def test_it_redirects_anonymous_users(client, world):
    response = client.get(url(world.station_a))
    assert response.status_code == 302 and "/accounts/login/?next=" in response.url


def test_it_rejects_post(as_role, world):
    assert as_role("staff").post(url(world.station_a)).status_code == 405
