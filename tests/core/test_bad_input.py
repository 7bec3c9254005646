"""NUL bytes and broken UTF-8 answer the product's 400 page, never a server error (issue 9 #7)."""

import pytest
from django.urls import reverse

from core.input import clean_mobile, fold, tidy

PUBLIC_PATHS = [
    "/p/s/%00/",
    "/p/d/%00/",
    "/roster/ical/%00.ics",
    "/ledgers/notices/s/%00/1/",
    "/p/s/%FF%FE/",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_it_answers_400_for_a_nul_or_broken_byte_in_the_path(client, db, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()


def test_it_answers_400_for_a_nul_in_a_posted_field(client, world):
    url = reverse("public:station_submit", args=[world.station_a.public_code])
    response = client.post(url, {"idempotency_key": "\x00", "title": "x"})
    assert response.status_code == 400


def test_it_answers_400_for_a_nul_in_a_query_parameter(client, world):
    assert client.get(reverse("public:track"), {"code": "AB\x00CD"}).status_code == 400
    assert client.get(reverse("public:track") + "?code=%C3%28").status_code == 400


def test_it_drops_a_cookie_with_a_nul_and_still_serves_the_page(client, world):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get(reverse("public:track")).status_code == 200


def test_the_page_follows_the_language_cookie(client, db, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client.get("/p/s/%00/")
    assert response.status_code == 400
    assert 'lang="zh-hans"' in response.content.decode()


def test_machine_values_are_folded_and_prose_keeps_its_punctuation():
    assert fold("１３８００１３８０００") == "13800138000"
    assert fold("¹³⁸") == "138"
    assert tidy("路灯坏了，请修（急）") == "路灯坏了，请修（急）"
    assert tidy("a\x01b\tc\n") == "ab\tc\n"


@pytest.mark.parametrize(
    "typed",
    ["١٣٨٠٠١٣٨٠٠٠", "13800138000138001380", "1380013800", "138-0013-800a"],
)
def test_a_mobile_number_must_be_eleven_ascii_digits(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        clean_mobile(typed)


def test_full_width_and_superscript_mobiles_are_folded_to_ascii():
    assert clean_mobile("１３８ ００１３ ８０００") == "13800138000"
    assert clean_mobile("¹³⁸⁰⁰¹³⁸⁰⁰⁰") == "13800138000"
