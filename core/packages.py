"""Where an app's modules live: at its top level, or in one of its sub-domain packages.

A part of an app that grew its own URLs, templates and tasks is a package inside the app
(``deputies/roster/``, ``reports/ledgers/``). Discovery of per-app modules (``tasks``,
``schedules``) looks in those packages as well, so a new sub-domain needs no registration line.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

from django.apps import apps
from django.conf import settings

# Packages every Django app may have that are not sub-domains.
_NOT_SUBDOMAINS = frozenset({"migrations", "management", "templatetags", "locale", "tests"})


def app_packages() -> list[str]:
    """The dotted names of the installed apps and of the project apps' sub-domain packages."""
    base = Path(settings.BASE_DIR).resolve()
    names: list[str] = []
    for config in apps.get_app_configs():
        names.append(config.name)
        if Path(config.path).resolve().parent != base:
            continue  # not one of the project's top-level apps: its sub-packages are its own
        for info in pkgutil.iter_modules([config.path]):
            if info.ispkg and info.name not in _NOT_SUBDOMAINS:
                names.append(f"{config.name}.{info.name}")
    return names
