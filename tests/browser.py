"""Helpers for the Playwright tests (real Chromium against the live server)."""

from __future__ import annotations

from django.urls import reverse

from tests.factories import PASSWORD


def log_in(page, base: str, username: str) -> None:
    """Sign in through the login form as a factory-made user and wait to leave the form."""
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
