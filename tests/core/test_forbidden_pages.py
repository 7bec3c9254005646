"""Every way to be refused (403, and axes' lock-out 429) answers with the product's own page or
message in the reader's language, never Django's or DRF's bare English text."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# (language cookie, words the page must carry, words it must not)
LANGS = {
    "zh-hans": {"not_allowed": "无权访问", "expired": "表单已过期", "locked": "账号已锁定"},
    "en": {
        "not_allowed": "Not allowed",
        "expired": "The form has expired",
        "locked": "Account locked",
    },
}
BARE = ("403 Forbidden", "CSRF verification failed", "CSRF Failed")


def _client(lang: str, **kw) -> Client:
    client = Client(**kw)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def _page(response, lang: str, key: str) -> str:
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert LANGS[lang][key] in html
    assert not any(bare in html for bare in BARE)
    return html


@pytest.mark.parametrize("lang", LANGS)
def test_a_view_refusing_a_role(world, lang):
    client = _client(lang)
    client.force_login(world.user("staff"))  # no clerk rights
    response = client.get(reverse("reports:overview"))
    assert response.status_code == 403
    _page(response, lang, "not_allowed")


@pytest.mark.parametrize("lang", LANGS)
def test_a_form_sent_without_its_csrf_token(world, lang):
    client = _client(lang, enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "staff", "password": "x"})
    assert response.status_code == 403
    _page(response, lang, "expired")


@pytest.mark.parametrize("lang", LANGS)
def test_the_lock_out_after_too_many_guesses(world, lang):
    for i in range(settings.AXES_FAILURE_LIMIT):
        _client(lang).post(
            reverse("login"),
            {"username": "staff", "password": f"guess-{i}"},
            REMOTE_ADDR=f"10.1.{i}.1",
        )
    response = _client(lang).post(
        reverse("login"), {"username": "staff", "password": "again"}, REMOTE_ADDR="10.2.0.1"
    )
    assert response.status_code == 429
    _page(response, lang, "locked")


@pytest.mark.parametrize("lang", LANGS)
def test_the_admin_refusing_a_model(world, lang):
    user = world.user("clerk")
    user.is_staff = True  # may open the admin, holds no model permission
    user.save(update_fields=["is_staff"])
    client = _client(lang)
    client.force_login(user)
    response = client.get("/admin/stations/station/")
    assert response.status_code == 403
    _page(response, lang, "not_allowed")


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        ("zh-hans", "您没有执行该操作的权限。"),
        ("en", "You do not have permission to perform this action."),
    ],
)
def test_the_api_refusing_a_session_without_a_role(world, lang, detail):
    client = _client(lang)
    client.force_login(world.user("nobody"))
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize(
    ("lang", "detail"),
    [
        ("zh-hans", "表单已过期：请刷新页面后重新提交。"),
        ("en", "The form has expired: reload the page and send it again."),
    ],
)
def test_the_api_refusing_a_session_write_without_its_csrf_token(world, lang, detail):
    client = _client(lang, enforce_csrf_checks=True)
    client.force_login(world.user("staff"))
    response = client.post("/api/v1/me/", json.dumps({}), content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": detail}
