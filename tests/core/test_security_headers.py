"""Security headers on every page of the role matrix, and no inline script in any template
(issue 9, the battery: CSP without inline script, nosniff, Referrer-Policy, frame denial)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from tests.test_role_matrix import all_entries

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def check_headers(response) -> list[str]:
    """What is missing from one answer; empty when all is well."""
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    script_src = directives.get("script-src", directives.get("default-src", ""))
    if not csp or "'unsafe-inline'" in script_src or "'unsafe-eval'" in script_src:
        problems.append(f"CSP without a strict script-src: {csp!r}")
    if "frame-ancestors" not in directives and response.headers.get("X-Frame-Options") != "DENY":
        problems.append("no frame denial")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not response.headers.get("Referrer-Policy"):
        problems.append("no Referrer-Policy")
    return problems


def check_markup(html: str) -> list[str]:
    problems = []
    if INLINE_SCRIPT.search(html):
        problems.append("inline <script>")
    if HANDLER_ATTRIBUTE.search(html):
        problems.append(f"on*= handler: {HANDLER_ATTRIBUTE.search(html)[0]!r}")
    if JAVASCRIPT_URL.search(html):
        problems.append("javascript: URL")
    return problems


def _viewer(entry) -> str | None:
    """A role that gets the page with 200, or None."""
    if entry.public:
        return "anon"
    for role in sorted(entry.allow):
        if entry.expected(role) == 200:
            return role
    return None


def test_every_page_of_the_role_matrix_carries_the_security_headers(world):
    clients: dict[str, Client] = {}
    problems, seen = [], 0
    for entry in all_entries():
        role = _viewer(entry)
        if entry.method != "get" or role is None:
            continue
        if role not in clients:
            clients[role] = Client()
            if role != "anon":
                clients[role].force_login(world.user(role))
        with transaction.atomic():  # each entry's objects are undone: they would collide
            url = reverse(entry.name, args=entry.args(world)) + (
                f"?{entry.query}" if entry.query else ""
            )
            response = clients[role].get(url)
            transaction.set_rollback(True)
        seen += 1
        found = check_headers(response)
        if "text/html" in response.headers.get("Content-Type", ""):
            found += check_markup(response.content.decode())
        if found:
            problems.append(f"{entry.name} ({role}, {response.status_code}): {found}")
    assert seen > 50, "the role matrix should list the product's pages"
    assert not problems, "\n".join(problems)


def test_the_error_and_lockout_pages_carry_them_too(client, db):
    assert check_headers(client.get("/p/s/%00/")) == []
    assert check_headers(client.get("/p/track/ABCDEFGHJKMNPQ/")) == []


def test_no_template_has_an_inline_script_or_handler_attribute():
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        found = check_markup(path.read_text(encoding="utf-8"))
        if found:
            problems.append(f"{path.relative_to(TEMPLATES)}: {found}")
    assert not problems, "\n".join(problems)


def test_login_page_sets_httponly_same_site_cookies(client, db):
    response = client.get(reverse("login"))
    csrf = response.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
