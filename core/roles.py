"""What a user is allowed to be: one object, computed once per request.

Role rows live in the domain apps (staff posts and clerk scopes in ``stations``, the deputy link
in ``deputies``); this module reads them through reverse accessors by name so ``core`` stays at
the bottom of the layer stack without importing upward. They are read as columns of the user's
own row (``with_roles``), so a request's user, its roles and the bell's count are one query.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import router
from django.db.models import CharField, Count, OuterRef, Subquery
from django.db.models.functions import Cast

from .aggregates import Joined

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
    # The rooms and points below those stations, which their staff run too (stations.scope).
    staff_room_ids: frozenset[int] = field(default_factory=frozenset)
    handler_department_ids: frozenset[int] = field(default_factory=frozenset)
    # The region paths of the staff's own stations (departments of those regions and above
    # take their cases).
    staff_region_paths: frozenset[str] = field(default_factory=frozenset)
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


def _joined(qs, expression) -> Subquery:
    """One text cell: ``expression`` of every row of ``qs`` (rows of the outer user)."""
    return Subquery(
        qs.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")  # one group per user: a single row, NULL when there is none
        .annotate(joined=Joined(Cast(expression, CharField())))
        .values("joined")
    )


def role_annotations(user_model) -> dict[str, Subquery]:
    """Every role of a user and the bell's unread count as columns of the user's own row.

    The user is read on every request anyway (the session's user id); reading the roles in
    the same statement (core.backends.RolesBackend) saves every page a query. Role rows live in the
    domain apps, reached here through the user model's reverse relations by name.
    """
    rel = {name: user_model._meta.get_field(name).related_model for name in _RELATIONS}
    posts = rel["staff_posts"]._default_manager
    return {
        "_role_clerk_paths": _joined(rel["clerk_scopes"]._default_manager, "region__path"),
        "_role_staff_ids": _joined(posts.exclude(post__in=LIAISON_POSTS), "station_id"),
        "_role_staff_paths": _joined(
            posts.exclude(post__in=LIAISON_POSTS), "station__region__path"
        ),
        "_role_staff_rooms": _joined(
            posts.exclude(post__in=LIAISON_POSTS).filter(station__children__isnull=False),
            "station__children__id",
        ),
        "_role_liaison_ids": _joined(posts.filter(post__in=LIAISON_POSTS), "station_id"),
        "_role_handler_ids": _joined(rel["handler_posts"]._default_manager, "department_id"),
        "_role_deputy": Subquery(
            rel["deputy_profile"]
            ._default_manager.filter(user=OuterRef("pk"), is_active=True)
            .order_by("pk")
            .values("pk")[:1]
        ),
        # The bell's count rides along: every page's header shows it.
        "_role_unread": Subquery(
            rel["notifications"]
            ._default_manager.filter(user=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("user")
            .annotate(n=Count("pk"))
            .values("n")
        ),
    }


_RELATIONS = ("clerk_scopes", "staff_posts", "handler_posts", "deputy_profile", "notifications")
_COLUMNS = (
    "_role_clerk_paths",
    "_role_staff_ids",
    "_role_staff_paths",
    "_role_staff_rooms",
    "_role_liaison_ids",
    "_role_handler_ids",
    "_role_deputy",
    "_role_unread",
)


def with_roles(queryset):
    """``queryset`` of users, each read with its roles (``roles_of`` then needs no query)."""
    return queryset.annotate(**role_annotations(queryset.model))


# Compiling the eight subqueries cost more than running them (several ms of Python per
# request, against well under 1 ms in PostgreSQL), so each database's statement is compiled
# once per process with a stand-in id and then run as it stands.
_STAND_IN_ID = -7_000_000_007
_compiled: dict[str, tuple[str, tuple]] = {}


def user_with_roles(user_model, user_id):
    """The user ``user_id`` read with its roles (one query), or None."""
    alias = router.db_for_read(user_model)
    if alias not in _compiled:
        qs = with_roles(user_model._default_manager.using(alias).filter(pk=_STAND_IN_ID))
        _compiled[alias] = qs.query.get_compiler(using=alias).as_sql()
    sql, params = _compiled[alias]
    user_id = user_model._meta.pk.to_python(user_id)
    found = list(
        user_model._default_manager.raw(
            sql, [user_id if p == _STAND_IN_ID else p for p in params], using=alias
        )
    )
    return found[0] if found else None


def _split(cell: str | None) -> list[str]:
    return cell.split(",") if cell else []


def _ids(cell: str | None) -> frozenset[int]:
    return frozenset(int(v) for v in _split(cell))


def roles_of(user) -> Roles:
    """The roles a user holds, computed once per request (cached on the user object).

    A user read through ``with_roles`` (every request's user, see core.backends) brings them in
    its own row; any other user object costs one query.
    """
    if user is None or not user.is_authenticated:
        return NO_ROLES
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    row = {c: getattr(user, c) for c in _COLUMNS if hasattr(user, c)}
    if len(row) == len(_COLUMNS):
        # Taken off the object: dropping ``_roles_cache`` then reads the rows afresh.
        for c in _COLUMNS:
            delattr(user, c)
    else:
        found = user_with_roles(user._meta.model, user.pk)
        row = {c: getattr(found, c) for c in _COLUMNS} if found else dict.fromkeys(_COLUMNS)
    user._unread_notifications = int(row["_role_unread"] or 0)
    deputy_id = row["_role_deputy"]
    roles = Roles(
        is_admin=user.is_superuser,
        clerk_region_paths=tuple(sorted(set(_split(row["_role_clerk_paths"])))),
        staff_station_ids=_ids(row["_role_staff_ids"]),
        staff_room_ids=_ids(row["_role_staff_rooms"]),
        staff_region_paths=frozenset(_split(row["_role_staff_paths"])),
        liaison_station_ids=_ids(row["_role_liaison_ids"]),
        handler_department_ids=_ids(row["_role_handler_ids"]),
        deputy_id=int(deputy_id) if deputy_id is not None else None,
    )
    user._roles_cache = roles
    return roles


def unread_notifications(user) -> int:
    """The bell's count, read with the roles (one query for both) unless already known."""
    if user is None or not user.is_authenticated:
        return 0
    if getattr(user, "_unread_notifications", None) is None:
        if hasattr(user, "_roles_cache"):
            delattr(user, "_roles_cache")
        roles_of(user)
    return user._unread_notifications
