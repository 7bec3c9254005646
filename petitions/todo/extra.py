"""Work waiting on a user in the apps above petitions, listed on the to-do home too.

petitions may not import the apps above it, so the to-do home looks for a module named
``<app>.todo_items`` in every installed app (like core's ``calendar_recompute`` modules); its
``todo_items(user)`` returns ``TodoItem`` rows for the user's roles (ties: themed-meeting answers
waiting for a deputy's own rating).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from django.apps import apps
from django.utils.functional import Promise


@dataclass(frozen=True)
class TodoItem:
    role: str  # tiles.STAFF, DEPUTY or HANDLER: the section it is listed in
    label: str | Promise
    count: int
    url: str


@cache
def _modules() -> tuple[ModuleType, ...]:
    found = []
    for config in apps.get_app_configs():
        try:
            found.append(importlib.import_module(f"{config.name}.todo_items"))
        except ModuleNotFoundError:
            continue
    return tuple(found)


def todo_items(user) -> list[TodoItem]:
    """Every app's waiting work for ``user`` (only rows with something waiting)."""
    return [item for m in _modules() for item in m.todo_items(user) if item.count]
