"""What a user is allowed to be: one object, computed once per request.

Role rows live in the domain apps (staff posts and clerk scopes in ``stations``, the deputy link
in ``deputies``); this module reads them through reverse accessors by name so ``core`` stays at
the bottom of the layer stack without importing upward.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast

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


def _role_rows(user) -> list[tuple[str, str]]:
    """(kind, value) for every role row of the user, in ONE query (a UNION of the four tables).

    Four separate look-ups (clerk scopes, staff posts, handler posts, deputy profile) were a
    third of a list page's queries. Values are text so the branches share one column type.
    """
    deputy_model = user._meta.get_field("deputy_profile").related_model

    def kind(k: str) -> Value:
        return Value(k, output_field=CharField())

    branches = [
        user.clerk_scopes.annotate(k=kind("c"), v=Cast("region__path", CharField())),
        user.staff_posts.exclude(post__in=LIAISON_POSTS).annotate(
            k=kind("s"), v=Cast("station_id", CharField())
        ),
        user.staff_posts.filter(post__in=LIAISON_POSTS).annotate(
            k=kind("l"), v=Cast("station_id", CharField())
        ),
        user.handler_posts.annotate(k=kind("h"), v=Cast("department_id", CharField())),
        deputy_model._default_manager.filter(user=user, is_active=True).annotate(
            k=kind("d"), v=Cast("pk", CharField())
        ),
    ]
    # The bell's unread count rides along: every page's header shows it.
    branches.append(
        user.notifications.filter(read_at__isnull=True)
        .values("user_id")  # one group: a single (n, count) row, none when nothing is unread
        .annotate(k=kind("n"), v=Cast(Count("pk"), CharField()))
        .values_list("k", "v")
    )
    first, *rest = (b.order_by().values_list("k", "v") for b in branches)
    return list(first.union(*rest, all=True))


def roles_of(user) -> Roles:
    """Compute (and cache on the user object, i.e. once per request) the roles a user holds."""
    if user is None or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    rows = _role_rows(user)
    user._unread_notifications = next((int(v) for k, v in rows if k == "n"), 0)
    regions = sorted(v for k, v in rows if k == "c")
    deputies = [int(v) for k, v in rows if k == "d"]
    roles = Roles(
        is_admin=user.is_superuser,
        clerk_region_paths=tuple(regions),
        staff_station_ids=frozenset(int(v) for k, v in rows if k == "s"),
        liaison_station_ids=frozenset(int(v) for k, v in rows if k == "l"),
        handler_department_ids=frozenset(int(v) for k, v in rows if k == "h"),
        deputy_id=deputies[0] if deputies else None,
    )
    user._roles_cache = roles
    return roles


def unread_notifications(user) -> int:
    """The bell's count, read with the roles (one query for both) unless already known."""
    if user is None or not user.is_authenticated:
        return 0
    if getattr(user, "_unread_notifications", None) is None:
        user.__dict__.pop("_roles_cache", None)
        roles_of(user)
    return user._unread_notifications
