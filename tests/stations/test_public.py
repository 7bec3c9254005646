import io

import segno
from django.conf import settings
from django.urls import reverse
from PIL import Image


def test_it_shows_the_public_page_without_login(client, world):
    response = client.get(reverse("stations:public", args=[world.station_a.public_code]))
    body = response.content.decode()
    assert response.status_code == 200
    assert world.station_a.name in body and world.station_a.opening_hours in body
    assert world.station_a.contact_phone in body
    assert "戴伟" in body
    # Deputies' phone numbers are never on the public page, not even masked.
    assert "13800138000" not in body and "138****8000" not in body


def test_it_hides_the_submit_button_until_the_form_exists(client, world):
    response = client.get(reverse("stations:public", args=[world.station_a.public_code]))
    submit_url = response.context["submit_url"]
    body = response.content.decode()
    # Until petitions provides public:station_submit, the button is hidden rather than broken.
    assert ("Submit an opinion" in body) == (submit_url is not None)
    if submit_url:
        assert f'href="{submit_url}"' in body


def test_it_hides_inactive_stations(client, world):
    world.station_a.is_active = False
    world.station_a.save()
    assert (
        client.get(reverse("stations:public", args=[world.station_a.public_code])).status_code
        == 404
    )


def test_it_serves_an_svg_qr_code(client, world):
    response = client.get(reverse("stations:qr_svg", args=[world.station_a.public_code]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<svg")


def _modules(png: bytes, scale: int = 10, border: int = 2) -> list[list[bool]]:
    image = Image.open(io.BytesIO(png)).convert("L")
    size = image.width // scale - 2 * border
    return [
        [
            image.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2))
            < 128
            for x in range(size)
        ]
        for y in range(size)
    ]


def test_it_serves_a_png_that_encodes_the_public_url(client, world):
    response = client.get(reverse("stations:qr_png", args=[world.station_a.public_code]))
    assert response["Content-Type"] == "image/png"
    assert (
        f'filename="station-{world.station_a.public_code}.png"' in response["Content-Disposition"]
    )
    url = settings.PUBLIC_BASE_URL + reverse("stations:public", args=[world.station_a.public_code])
    assert world.station_a.public_url == url
    expected = [[bool(v) for v in row] for row in segno.make_qr(url, error="m").matrix]
    assert _modules(response.content) == expected


def test_it_answers_404_for_an_unknown_code(client, world):
    assert client.get(reverse("stations:qr_png", args=["NOPE2345"])).status_code == 404


def test_it_prints_a_poster(as_role, world):
    response = as_role("staff").get(reverse("stations:poster", args=[world.station_a.pk]))
    body = response.content.decode()
    assert "<svg" in body and world.station_a.public_url in body
    assert world.station_a.name in body and world.station_a.opening_hours in body


def test_it_hides_posters_of_other_stations(as_role, world):
    assert (
        as_role("staff").get(reverse("stations:poster", args=[world.station_b.pk])).status_code
        == 404
    )
