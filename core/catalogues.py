"""Where the project's translation catalogues live.

The shared catalogue is ``locale/``; an app that keeps its own strings apart (so that work on
it does not touch the shared file) has ``<app>/locale/``, which Django also reads.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def catalogue_paths(lang: str = "*") -> list[Path]:
    """Every ``django.po`` of the project for ``lang`` (a glob; ``*`` for all languages)."""
    roots = [Path(p) for p in settings.LOCALE_PATHS]
    roots += sorted(p for p in Path(settings.BASE_DIR).glob("*/locale") if p.is_dir())
    found: list[Path] = []
    for root in roots:
        if ".venv" in root.parts or "static" in root.parts:
            continue
        found += sorted(root.glob(f"{lang}/LC_MESSAGES/django.po"))
    return found
