"""Who may do what in the duty app, one predicate per group (read by loop.REGISTRY and views)."""

from __future__ import annotations

from core.roles import roles_of
from stations.paths import in_region_paths
from stations.scope import manages_station


def is_own_deputy(user, activity) -> bool:
    roles = roles_of(user)
    return roles.is_deputy and activity.deputy_id == roles.deputy_id


def runs_station(user, activity) -> bool:
    """Administrators and the staff of the activity's station (or of its head station)."""
    return manages_station(roles_of(user), activity.station)


def may_file(user) -> bool:
    return roles_of(user).is_deputy


def may_review(user) -> bool:
    """Station staff review what their deputies filed."""
    roles = roles_of(user)
    return roles.is_admin or roles.is_staff_member


def may_see_region_lists(user) -> bool:
    """The "who is behind" list and the rankings: clerks, station staff and administrators."""
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


def may_set_rules(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk


def covers_region(user, region) -> bool:
    roles = roles_of(user)
    return roles.is_admin or in_region_paths(region.path, roles.clerk_region_paths)
