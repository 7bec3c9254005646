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


# The clerks' settings pages (quota rules, points schemes, grids, electoral districts, terms).
# A page without an object is for every clerk and admin; a page of an object of district X is
# for admin and the clerks over X, and the clerk of district Y gets 404 (the object does not
# exist for them). Every other role gets 403: it has no business with clerks' pages.
CLERKS = frozenset({"admin", "clerk", "city_clerk", "other_clerk"})
OVER_X = frozenset({"admin", "clerk", "city_clerk"})
Y_404 = {"other_clerk": 404}


def clerk_page(name: str, **kw) -> Entry:
    """A clerks' settings page without an object: every clerk and admin, others 403."""
    return Entry(name, allow=CLERKS, deny=403, **kw)


def clerk_object(name: str, args: Callable[[World], list] = lambda w: [], **kw) -> Entry:
    """A clerks' settings page of an object of district X (or a form that saves one there):
    admin and the clerks over X; the clerk of Y 404 unless ``special`` says otherwise; others
    403. ``data`` makes it a POST, which answers 302 unless ``ok`` says otherwise."""
    if "data" in kw or kw.get("method") == "post":
        kw = {"method": "post", "ok": 302, **kw}
    return Entry(name, args=args, allow=OVER_X, deny=403, **{"special": Y_404, **kw})
