import pytest
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("registry_env")


def test_it_shows_the_public_profile_without_login_and_without_phone(client, world):
    dave = world.deputy_dave
    dave.constituency = "新兴街道第3选区"
    dave.save()
    response = client.get(reverse("deputies:public", args=[dave.public_code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "戴伟" in body and "新兴街道第3选区" in body
    assert "新兴街道人大代表联络站" in body and world.station_a.address in body
    assert "13800138000" not in body and "8000" not in body


def test_it_hides_the_phone_even_from_logged_in_admins(as_role, world):
    body = as_role("admin").get(reverse("deputies:public", args=[world.deputy_dave.public_code]))
    assert "13800138000" not in body.content.decode()


def test_it_answers_404_for_an_unknown_code(client, world):
    assert client.get(reverse("deputies:public", args=["NOPE2345"])).status_code == 404


def test_it_renders_qr_codes_pointing_at_the_public_page(client, world):
    code = world.deputy_dave.public_code
    svg = client.get(reverse("deputies:qr_svg", args=[code]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(reverse("deputies:qr_png", args=[code]))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


def test_it_links_to_the_opinion_form_when_it_exists(client, world, monkeypatch):
    from django.urls import NoReverseMatch

    from deputies import views

    code = world.deputy_dave.public_code
    url = reverse("deputies:public", args=[code])
    body = client.get(url).content.decode()
    assert reverse("public:deputy_submit", args=[code]) in body
    assert "Submit an opinion to this deputy" in body

    def missing(*args, **kwargs):
        raise NoReverseMatch

    monkeypatch.setattr(views, "reverse", missing)
    assert "Submit an opinion to this deputy" not in client.get(url).content.decode()
