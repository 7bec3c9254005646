"""Region paths: ``Region.path`` holds the codes from the root, ``/33/3304/330402/``.

A region's subtree is every path that starts with its path, and its ancestors are the prefixes
of its path; these helpers are the one place that spells that out.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q


def path_prefixes(path: str) -> list[str]:
    """'/33/3304/330402/' -> ['/33/', '/33/3304/', '/33/3304/330402/'] (the region and above)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def region_paths_q(paths: Iterable[str], field: str = "path") -> Q:
    """``field`` (a region path, e.g. ``station__region__path``) lies in one of the subtrees.

    Matches nothing when ``paths`` is empty.
    """
    return reduce(or_, (Q(**{f"{field}__startswith": p}) for p in paths), Q(pk__in=[]))


def in_region_paths(path: str, paths: Iterable[str]) -> bool:
    """The same rule in Python: ``path`` lies in one of the subtrees."""
    return any(path.startswith(p) for p in paths)
