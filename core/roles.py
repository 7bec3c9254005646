"""What a user is allowed to be: one object, computed once per request.

Role rows live in the domain apps (staff posts and clerk scopes in ``stations``, the deputy link
in ``deputies``); this module reads them through reverse accessors by name so ``core`` stays at
the bottom of the layer stack without importing upward.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Staff posts that make a user a part-time liaison of the station, not its staff: a grid
# worker (网格员, seed 004: "22名基层网格员…担任站点兼职联络员") may record receptions and
# opinions there but may not triage, assign or see the station's cases. The value is
# stations.choices.StaffPostKind.GRID_WORKER (core may not import stations).
LIAISON_POSTS = frozenset({"grid_worker"})


@dataclass(frozen=True)
class Roles:
    is_admin: bool = False
    clerk_region_paths: tuple[str, ...] = ()
    staff_station_ids: frozenset[int] = field(default_factory=frozenset)
    handler_department_ids: frozenset[int] = field(default_factory=frozenset)
    deputy_id: int | None = None
    liaison_station_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_clerk(self) -> bool:
        return bool(self.clerk_region_paths)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.staff_station_ids)

    @property
    def is_liaison(self) -> bool:
        return bool(self.liaison_station_ids)

    @property
    def is_handler(self) -> bool:
        return bool(self.handler_department_ids)

    @property
    def is_deputy(self) -> bool:
        return self.deputy_id is not None

    @property
    def is_anyone(self) -> bool:
        return any(
            (self.is_admin, self.is_clerk, self.is_staff_member, self.is_handler, self.is_deputy)
        )


NO_ROLES = Roles()


def roles_of(user) -> Roles:
    """Compute (and cache on the user object) the roles a user holds."""
    if user is None or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    # A missing one-to-one raises a subclass of AttributeError, so getattr's default applies.
    deputy = getattr(user, "deputy_profile", None)
    posts = list(user.staff_posts.values_list("station_id", "post"))
    roles = Roles(
        is_admin=user.is_superuser,
        clerk_region_paths=tuple(user.clerk_scopes.values_list("region__path", flat=True)),
        staff_station_ids=frozenset(s for s, post in posts if post not in LIAISON_POSTS),
        liaison_station_ids=frozenset(s for s, post in posts if post in LIAISON_POSTS),
        handler_department_ids=frozenset(
            user.handler_posts.values_list("department_id", flat=True)
        ),
        deputy_id=deputy.pk if deputy is not None and deputy.is_active else None,
    )
    user._roles_cache = roles
    return roles
