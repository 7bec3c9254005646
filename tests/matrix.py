"""The role matrix: every URL in the URL conf, checked for every role.

Each app lists its URLs in ``tests/<app>/matrix.py`` as ``ENTRIES = [Entry(...), ...]``.
``tests/test_role_matrix.py`` runs every entry for every role in tests/world.py and fails if a
named URL exists that no entry covers, so a new page cannot ship without its access rules.

Expectations per role:
  * roles in ``allow`` get ``ok`` (200 by default; e.g. 302 for a POST that redirects);
  * every other logged-in role gets ``deny`` (404 by default: what you may not see does not
    exist; 403 where the page has no object and the role simply has no business there);
  * anonymous users are redirected to the login page, unless ``public`` (then 200 like anyone).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .world import ROLES, World

STAFF_SIDE = frozenset({"admin", "staff"})


@dataclass(frozen=True)
class Entry:
    name: str  # "namespace:name"
    args: Callable[[World], list] = lambda w: []
    allow: Iterable[str] = ()
    method: str = "get"
    data: Callable[[World], dict] | None = None
    ok: int | tuple[int, ...] = 200
    deny: int = 404
    public: bool = False
    query: str = ""
    # Roles whose answer differs from both allow and deny, e.g. {"deputy": 403}.
    special: dict = field(default_factory=dict)

    def expected(self, role: str):
        if role in self.special:
            return self.special[role]
        if self.public or role in set(self.allow):
            return self.ok
        if role == "anon":
            return "login"
        return self.deny


ALL_ROLES = frozenset(ROLES)
