"""Runs every app's role matrix (see tests/matrix.py) and checks the URL conf is fully covered."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.conf import settings
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


# Namespaces and names outside the product's own pages.
IGNORED = {"admin", "set_language"}


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


@pytest.mark.parametrize("entry", all_entries(), ids=lambda e: f"{e.name}:{e.method}")
def test_role_matrix(db, entry: Entry):
    world = build_world()
    url = reverse(entry.name, args=entry.args(world)) + (f"?{entry.query}" if entry.query else "")
    # Refused roles first: they must change nothing, so allowed roles see the original state.
    ordered = ["anon"] + sorted(ROLES, key=lambda r: entry.expected(r) == entry.ok)
    problems = []
    for role in ordered:
        client = Client()
        if role != "anon":
            client.force_login(world.user(role))
        data = entry.data(world) if entry.data else {}
        response = getattr(client, entry.method)(url, data)
        got, want = _status(response), entry.expected(role)
        wanted = want if isinstance(want, tuple) else (want,)
        if got not in wanted:
            problems.append(f"{role}: got {got}, expected {want}")
    assert not problems, f"{entry.name} {url}: " + "; ".join(problems)
