"""The QR-code submission form at /p/s/<station>/ and /p/d/<deputy>/ (no account)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from petitions import captcha
from petitions.choices import Channel, Status
from petitions.models import Category, Petition
from tests.images import picture

from .public_support import (
    ADDRESS,
    BAD_ID_NUMBER,
    CAPTCHA,
    ID_NUMBER,
    NAME,
    PHONE,
    known_captcha,
)

PNG = picture("PNG")


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    # The cache itself is emptied per test by tests/conftest.py (per xdist process).
    known_captcha(monkeypatch)


def _station_url(world) -> str:
    return reverse("public:station_submit", args=[world.station_a.public_code])


def _form_data(client, url: str, **overrides) -> dict:
    """GET the form (which issues the captcha) and fill it in like a constituent would."""
    response = client.get(url)
    assert response.status_code == 200
    data = {
        "title": "路灯坏了",
        "content": "幸福里小区3幢门口的路灯坏了两周。",
        "category": Category.objects.get(name="城乡建设").pk,
        "location_text": "幸福里小区3幢",
        "constituent_name": NAME,
        "phone": PHONE,
        "address": ADDRESS,
        "id_number": ID_NUMBER,
        "consent": "on",
        "captcha": CAPTCHA.lower(),
        "idempotency_key": response.context["form"].initial["idempotency_key"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_submits_from_a_station_qr_code(client, world):
    url = _station_url(world)
    response = client.get(url)
    assert world.station_a.name in response.content.decode()

    photo = SimpleUploadedFile("lamp.png", PNG, content_type="image/png")
    response = client.post(url, {**_form_data(client, url), "attachments": [photo]})

    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("public:receipt", args=[petition.tracking_code])
    assert petition.channel == Channel.STATION_QR
    assert petition.station == world.station_a
    assert petition.deputy is None
    assert petition.status == Status.SUBMITTED
    assert (petition.constituent_name, petition.phone) == (NAME, PHONE)
    assert petition.category.name == "城乡建设"
    assert petition.consent_at is not None
    assert petition.id_last4 == ID_NUMBER[-4:]
    assert petition.attachments.get().content_type == "image/png"

    receipt = client.get(response.url).content.decode()
    for group in petition.display_code.split("-"):
        assert group in receipt
    assert "张**" in receipt and "138****8000" in receipt
    assert NAME not in receipt and PHONE not in receipt


def test_it_submits_from_a_deputy_qr_code_to_the_deputys_station(client, world):
    url = reverse("public:deputy_submit", args=[world.deputy_dave.public_code])
    response = client.get(url)
    assert world.deputy_dave.name in response.content.decode()

    response = client.post(url, _form_data(client, url))

    petition = Petition.objects.get()
    assert response.status_code == 302
    assert petition.channel == Channel.DEPUTY_QR
    assert petition.deputy == world.deputy_dave
    assert petition.station == world.station_a


def test_it_keeps_the_input_when_the_captcha_is_wrong(client, world):
    url = _station_url(world)

    response = client.post(url, _form_data(client, url, captcha="XXXXX"))

    assert response.status_code == 200
    assert not Petition.objects.exists()
    html = response.content.decode()
    assert "The characters do not match the picture" in html
    assert "幸福里小区3幢门口的路灯坏了两周。" in html
    assert f'value="{PHONE}"' in html
    assert "choose your files again" in html
    # A fresh picture was issued, so the same answer works on the next try.
    key = response.context["form"]["idempotency_key"].value()
    response = client.post(url, _form_data(client, url, idempotency_key=key))
    assert response.status_code == 302


def test_it_uses_the_captcha_only_once(client, world):
    url = _station_url(world)
    data = _form_data(client, url)
    client.post(url, data)
    # Replaying the same answer with a new form needs a new picture.
    response = client.post(url, {**data, "idempotency_key": "another-key-123"})
    assert response.status_code == 200
    assert Petition.objects.count() == 1


def test_it_refuses_over_the_hourly_limit_with_429_and_keeps_the_input(client, world, settings):
    settings.PUBLIC_SUBMIT_RATE = 2
    url = _station_url(world)
    for _ in range(2):
        assert client.post(url, _form_data(client, url)).status_code == 302

    response = client.post(url, _form_data(client, url, title="第三条意见"))

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many submissions from this network." in html
    assert 'value="第三条意见"' in html
    assert Petition.objects.count() == 2


def test_it_makes_one_petition_from_a_double_submit(client, world):
    url = _station_url(world)
    data = _form_data(client, url)

    first = client.post(url, data)
    second = client.post(url, data)  # the captcha is used up; the key still finds the case

    petition = Petition.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("public:receipt", args=[petition.tracking_code])


def test_it_rejects_an_id_number_with_a_bad_check_digit(client, world):
    url = _station_url(world)

    response = client.post(url, _form_data(client, url, id_number=BAD_ID_NUMBER))

    assert response.status_code == 200
    assert "check digit is wrong" in response.content.decode()
    assert not Petition.objects.exists()


def test_it_requires_name_and_phone_unless_anonymous(client, world):
    url = _station_url(world)

    response = client.post(url, _form_data(client, url, constituent_name="", phone="12345"))

    html = response.content.decode()
    assert "Please give your name" in html
    assert "11-digit mobile number" in html
    assert not Petition.objects.exists()


def test_it_accepts_an_anonymous_petition_on_a_qr_code(client, world):
    url = _station_url(world)
    data = _form_data(
        client, url, is_anonymous="on", constituent_name="", phone="", address="", id_number=""
    )

    response = client.post(url, data)

    petition = Petition.objects.get()
    assert response.status_code == 302
    assert petition.is_anonymous
    assert (petition.constituent_name, petition.phone, petition.address) == ("", "", "")
    assert "Anonymous" in client.get(response.url).content.decode()


def test_it_requires_consent(client, world):
    url = _station_url(world)

    response = client.post(url, _form_data(client, url, consent=None))

    assert "Please agree to the handling of your personal data." in response.content.decode()
    assert not Petition.objects.exists()


def test_it_refuses_a_file_that_is_not_an_image_or_pdf(client, world):
    url = _station_url(world)
    script = SimpleUploadedFile("photo.png", b"#!/bin/sh\necho hi\n", content_type="image/png")

    response = client.post(url, {**_form_data(client, url), "attachments": [script]})

    assert "is not a JPEG, PNG or WebP image or a PDF document" in response.content.decode()
    assert not Petition.objects.exists()


def test_it_says_an_inactive_station_takes_no_submissions(client, world):
    world.station_a.is_active = False
    world.station_a.save()

    response = client.get(_station_url(world))

    assert response.status_code == 404
    assert "no longer takes submissions" in response.content.decode()


def test_it_says_an_inactive_deputy_takes_no_submissions(client, world):
    world.deputy_dave.is_active = False
    world.deputy_dave.save()

    response = client.get(reverse("public:deputy_submit", args=[world.deputy_dave.public_code]))

    assert response.status_code == 404
    assert "no longer takes submissions" in response.content.decode()


def test_it_draws_a_new_captcha_picture(client, world, monkeypatch):
    monkeypatch.undo()  # the real generator
    response = client.get(reverse("public:captcha"))
    assert response.status_code == 200
    assert 'src="data:image/png;base64,' in response.content.decode()
    assert captcha.SESSION_KEY in client.session


def test_it_draws_a_png():
    png = captcha.draw("K7M3P")
    assert png.startswith(b"\x89PNG")


def test_it_never_replays_another_stations_case(client, world):
    url = _station_url(world)
    data = _form_data(client, url)
    client.post(url, data)
    other_url = reverse("public:station_submit", args=[world.station_a2.public_code])

    response = client.post(
        other_url, {**_form_data(client, other_url), **{"idempotency_key": data["idempotency_key"]}}
    )

    # Keys are scoped to the station: the copied key makes a new case here, never shows the
    # first station's case.
    assert response.status_code == 302
    first, second = Petition.objects.order_by("pk")
    assert second.station == world.station_a2
    assert first.tracking_code not in response.url
