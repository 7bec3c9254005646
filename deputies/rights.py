"""Who may do what with the deputy registry (rows are scoped by ``Deputy.objects.visible_to``)."""

from __future__ import annotations

from core.roles import roles_of
from stations.paths import in_region_paths
from stations.scope import manages_station

from .models import Deputy
from .selectors import current_assignments, editable_deputies


def can_see_phone(user, deputy: Deputy) -> bool:
    """Full phone for admins, clerks over one of the deputy's stations and that station's staff.

    Uses the prefetched current assignments (see current_assignments_prefetch) so a list page
    asks no extra query per row. Everyone else - other deputies, handlers, the public - sees a
    masked number.
    """
    roles = roles_of(user)
    if roles.is_admin or (roles.deputy_id is not None and roles.deputy_id == deputy.pk):
        return True  # a deputy may always read their own number
    if not (roles.is_clerk or roles.staff_station_ids):
        return False
    for assignment in current_assignments(deputy):
        station = assignment.station
        if manages_station(roles, station):
            return True
        if in_region_paths(station.region.path, roles.clerk_region_paths):
            return True
    return False


def shown_phone(user, deputy: Deputy) -> str:
    """The phone as this user may see it."""
    return deputy.phone if can_see_phone(user, deputy) else deputy.masked_phone


def can_manage_deputies(user) -> bool:
    """Roles that work on the deputy registry at all: admins, clerks and station staff."""
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


def can_edit_deputy(user, deputy: Deputy) -> bool:
    return editable_deputies(user).filter(pk=deputy.pk).exists()
