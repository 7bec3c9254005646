"""Who may do what in a cycle of livelihood projects (read by loop.py, services and views)."""

from __future__ import annotations

from core.roles import roles_of
from deputies.choices import DeputyLevel
from stations.choices import RegionLevel
from stations.paths import in_region_paths

from .choices import Stage

# Which deputies sit in the congress of a region of each level.
CONGRESS_LEVEL = {
    RegionLevel.PROVINCE: DeputyLevel.PROVINCIAL,
    RegionLevel.CITY: DeputyLevel.MUNICIPAL,
    RegionLevel.DISTRICT: DeputyLevel.DISTRICT,
    RegionLevel.STREET: DeputyLevel.TOWNSHIP,
}


def congress_deputies(region):
    """The active deputies of ``region``'s people's congress: elected at the level of the region
    and grouped (today) into a station inside it."""
    from deputies.models import Deputy, StationAssignment

    level = CONGRESS_LEVEL.get(region.level)
    if level is None:
        return Deputy.objects.none()
    seated = StationAssignment.objects.filter(
        end_date__isnull=True, station__region__path__startswith=region.path
    ).values("deputy_id")
    return Deputy.objects.active().filter(level=level, pk__in=seated)


def deputy_id_of(user) -> int:
    """The deputy id of a user known to be a deputy (PermissionDenied otherwise)."""
    from django.core.exceptions import PermissionDenied

    deputy_id = roles_of(user).deputy_id
    if deputy_id is None:
        raise PermissionDenied
    return deputy_id


def sits_in_congress(user, cycle) -> bool:
    roles = roles_of(user)
    if not roles.is_deputy:
        return False
    cache = user.__dict__.setdefault("_congress_cache", {})
    if cycle.region_id not in cache:
        cache[cycle.region_id] = congress_deputies(cycle.region).filter(pk=roles.deputy_id).exists()
    return cache[cycle.region_id]


def manages_cycle(user, cycle) -> bool:
    """Admins and the standing committee's clerks whose region covers the cycle's."""
    roles = roles_of(user)
    return roles.is_admin or in_region_paths(cycle.region.path, roles.clerk_region_paths)


def administers_vote(user, cycle) -> bool:
    """The administrator of the vote: an admin, or a covering clerk named on the cycle. Only
    they see each deputy's ballot and record paper ballots."""
    roles = roles_of(user)
    if roles.is_admin:
        return True
    return manages_cycle(user, cycle) and cycle.vote_administrators.filter(pk=user.pk).exists()


def staff_in_region(user, cycle) -> bool:
    from stations.models import Station

    roles = roles_of(user)
    return (
        roles.is_staff_member
        and Station.objects.filter(
            pk__in=roles.staff_station_ids, region__path__startswith=cycle.region.path
        ).exists()
    )


def may_propose(user, cycle) -> bool:
    """While the call is open: deputies of the congress, station staff of the region, clerks."""
    if cycle.stage != Stage.COLLECTING:
        return False
    return (
        sits_in_congress(user, cycle) or staff_in_region(user, cycle) or manages_cycle(user, cycle)
    )


def may_vote(user, cycle) -> bool:
    return sits_in_congress(user, cycle)


# ---- candidate predicates (read by loop.REGISTRY) ---------------------------------------------


def clerk_of(user, candidate) -> bool:
    return manages_cycle(user, candidate.cycle)


def lead_handler(user, candidate) -> bool:
    roles = roles_of(user)
    return roles.is_admin or (
        candidate.lead_department_id is not None
        and candidate.lead_department_id in roles.handler_department_ids
    )


def lead_handler_or_clerk(user, candidate) -> bool:
    return lead_handler(user, candidate) or clerk_of(user, candidate)


def supervising_deputy(user, candidate) -> bool:
    roles = roles_of(user)
    return roles.is_deputy and candidate.supervisors.filter(pk=roles.deputy_id).exists()


def congress_deputy(user, candidate) -> bool:
    return sits_in_congress(user, candidate.cycle)


def may_see_figures(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk
