"""Runs every app's role matrix (see tests/matrix.py) and checks the URL conf is fully covered."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import Entry
from .world import ROLES, build_world


def _matrix_modules() -> list[str]:
    """``tests/<app>/matrix.py`` and any ``tests/<app>/*_matrix.py`` of every test package."""
    root = Path(__file__).parent
    found = []
    for package in sorted(p for p in root.iterdir() if (p / "__init__.py").exists()):
        for module in sorted(package.glob("*matrix.py")):
            found.append(f"tests.{package.name}.{module.stem}")
    return found


# Namespaces and names outside the product's own pages. ``api`` is the JSON API: it answers
# 401/403 rather than a login redirect, and tests/api/test_scoping.py checks every one of its
# URLs per key and region (test_every_api_url_is_scoped fails on a URL without a test).
IGNORED = {"admin", "set_language", "api"}


def all_entries() -> list[Entry]:
    entries: list[Entry] = []
    for name in _matrix_modules():
        entries.extend(importlib.import_module(name).ENTRIES)
    return entries


def _names(patterns, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace
            if ns in IGNORED:
                continue
            names |= _names(p.url_patterns, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(p, URLPattern) and p.name and p.name not in IGNORED:
            names.add(prefix + p.name)
    return names


def test_every_url_is_in_the_matrix():
    covered = {e.name for e in all_entries()}
    missing = sorted(_names(get_resolver().url_patterns) - covered)
    assert not missing, f"URLs without a role-matrix entry: {missing}"


def _status(response) -> int | str:
    # A protected page sends anonymous users to the login page with ?next=.
    login = reverse(settings.LOGIN_URL)
    if response.status_code == 302 and response.url.startswith(login + "?next="):
        return "login"
    return response.status_code


# Logging in writes a session row and django-axes logs access: not the product's data.
_BOOKKEEPING = {"sessions", "axes"}


def _counted_models() -> list:
    return [
        m for m in apps.get_models() if m._meta.app_label not in _BOOKKEEPING and not m._meta.proxy
    ]


def _row_counts() -> dict[str, int]:
    """Rows per table of the product: a cheap way to see that something was written.

    One statement for all tables (a sub-select per table), not one COUNT query per model: the
    matrix reads these after every refused role. No model's default manager filters rows, so
    the table's row count is what ``_default_manager.count()`` would say."""
    models = _counted_models()
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return {m._meta.label: n for m, n in zip(models, row, strict=True)}


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """The named world, built once for the module inside a transaction that is rolled back at
    the end, with its row counts and a signed-in session per role. Each entry runs inside its
    own savepoint (the ``db`` fixture nests in this transaction), so whatever one entry writes
    (its rows, a session it changes, cycles or ends) is undone before the next starts."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        built = _row_counts()
        sessions = {}
        for role in ROLES:
            client = Client()
            client.force_login(world.user(role))
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world, built, sessions
        transaction.set_rollback(True)


def signed_in_client(sessions: dict[str, str], role: str) -> Client:
    """A client signed in as ``role`` (the module's session of that user), or anonymous."""
    client = Client()
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
    return client


def test_the_row_counts_are_the_default_managers_counts(matrix_world, db):
    assert _row_counts() == {m._meta.label: m._default_manager.count() for m in _counted_models()}


def test_each_role_is_signed_in_as_itself(matrix_world, db):
    world, _, sessions = matrix_world
    for role in ROLES:
        response = signed_in_client(sessions, role).get(reverse("home"))
        assert response.wsgi_request.user == world.user(role), role


@pytest.mark.parametrize("entry", all_entries(), ids=lambda e: f"{e.name}:{e.method}")
def test_role_matrix(matrix_world, db, entry: Entry):
    world, built, sessions = matrix_world
    assert _row_counts() == built, "an earlier entry's writes leaked into this one"
    url = reverse(entry.name, args=entry.args(world)) + (f"?{entry.query}" if entry.query else "")
    # Refused roles first: they must change nothing, so allowed roles see the original state.
    everyone = ["anon", *ROLES]
    refused = [r for r in everyone if entry.expected(r) != entry.ok]
    allowed = [r for r in everyone if entry.expected(r) == entry.ok]
    problems = []

    def check(role: str) -> None:
        client = signed_in_client(sessions, role)
        data = entry.data(world) if entry.data else {}
        response = getattr(client, entry.method)(url, data)
        got, want = _status(response), entry.expected(role)
        wanted = want if isinstance(want, tuple) else (want,)
        if got not in wanted:
            problems.append(f"{role}: got {got}, expected {want}")

    before = _row_counts()
    for role in refused:
        check(role)
    if _row_counts() != before:
        problems.append("a refused role wrote rows")
    for role in allowed:
        check(role)
    assert not problems, f"{entry.name} {url}: " + "; ".join(problems)


# GET entries of POST-only views (every role 405) have their POST entries already.
_GET_PAGES = [e for e in all_entries() if e.method == "get" and e.deny != 405]


@pytest.mark.parametrize("entry", _GET_PAGES, ids=lambda e: f"{e.name}:post")
def test_a_post_to_a_page_changes_nothing_for_a_role_that_may_not_use_it(
    matrix_world, db, entry: Entry
):
    """The other half of the matrix: POST to every GET entry as every role. A role refused the
    page is refused the POST the same way (or 405, or sent to log in) and writes nothing; a
    role allowed the page gets the page, a redirect, its form again (400) or 405 — never 500."""
    world, _, sessions = matrix_world
    url = reverse(entry.name, args=entry.args(world)) + (f"?{entry.query}" if entry.query else "")
    problems = []
    before = _row_counts()
    for role in ["anon", *ROLES]:
        got, want = _status(signed_in_client(sessions, role).post(url, {})), entry.expected(role)
        wanted = set(want if isinstance(want, tuple) else (want,))
        if want == entry.ok:
            # A view may answer an empty POST with its form (400), a redirect, 404 for an
            # unknown sub-action, or refuse the method.
            ok = {200, 302, 400, 403, 404, 405, "login"}
        else:
            ok = wanted | {405, "login"}
        if got not in ok:
            problems.append(f"{role}: got {got}, expected one of {sorted(map(str, ok))}")
        if want != entry.ok and _row_counts() != before:
            problems.append(f"{role} (refused) wrote rows")
            before = _row_counts()
    assert not problems, f"POST {entry.name} {url}: " + "; ".join(problems)
