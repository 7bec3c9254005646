"""Who may act on a case. The loop registry (petitions/loop.py) names one of these per action;
services check it again after locking the row, views use it to refuse with 403 and to offer
actions."""

from __future__ import annotations

from typing import Any

from core.roles import roles_of
from stations.scope import manages_station

from .models import Petition


def is_station_staff(user: Any, petition: Petition) -> bool:
    """Administrators and the staff of the case's station (or of the head station above it)."""
    return manages_station(roles_of(user), petition.station)


def may_merge_across(user: Any, petition: Petition, original: Petition) -> bool:
    """Merging a case into one of another station (of the same street, as the duplicate hints
    show) closes a case there and adds to a case here: only someone with staff rights on both
    stations may do it (an administrator, or the head station's staff over both)."""
    roles = roles_of(user)
    return manages_station(roles, petition.station) and manages_station(roles, original.station)


def may_record_at(user: Any, station: Any) -> bool:
    """Who may record receptions and opinions at a station: its staff, and its part-time grid
    liaisons (a limited post, core.roles.LIAISON_POSTS: they record, but never triage or
    assign — those rights are ``is_station_staff``, which they do not hold)."""
    roles = roles_of(user)
    return manages_station(roles, station) or station.pk in roles.liaison_station_ids


def sees_reception_opinions(user: Any, reception: Any) -> bool:
    """Whether the reception page lists every opinion recorded at it (station staff, clerks,
    the deputies present); a part-time liaison sees only the ones they recorded themselves,
    as they may not see the station's cases."""
    roles = roles_of(user)
    if reception.station_id not in roles.liaison_station_ids:
        return True
    return (
        manages_station(roles, reception.station)
        or roles.is_clerk
        or (roles.is_deputy and reception.deputies.filter(pk=roles.deputy_id).exists())
    )


def is_petition_deputy(user: Any, petition: Petition) -> bool:
    roles = roles_of(user)
    return roles.is_deputy and petition.deputy_id == roles.deputy_id


def is_staff_or_deputy(user: Any, petition: Petition) -> bool:
    return is_station_staff(user, petition) or is_petition_deputy(user, petition)


def is_lead_handler(user: Any, petition: Petition) -> bool:
    roles = roles_of(user)
    return roles.is_admin or (
        petition.lead_department_id is not None
        and petition.lead_department_id in roles.handler_department_ids
    )


def assisting_department_for(user: Any, petition: Petition):
    """The assisting department this user handles for the case, or None."""
    roles = roles_of(user)
    ids = roles.handler_department_ids
    if not ids:
        return None
    return petition.assisting_departments.filter(pk__in=ids).first()


def is_assisting_handler(user: Any, petition: Petition) -> bool:
    return assisting_department_for(user, petition) is not None


def handles_case(user: Any, petition: Petition) -> bool:
    """A handler of the lead or an assisting department of the case."""
    ids = roles_of(user).handler_department_ids
    if not ids:
        return False
    if petition.lead_department_id in ids:
        return True
    return any(d.pk in ids for d in petition.assisting_departments.all())


def may_print_slips(user: Any, petition: Petition) -> bool:
    return (
        is_station_staff(user, petition)
        or is_lead_handler(user, petition)
        or roles_of(user).is_clerk
    )


def may_route_directly(user: Any, petition: Petition) -> bool:
    """The case's own deputy, holding the direct routing right, may hand it straight to the
    department its routing rule names."""
    from .models import RoutingRight

    deputy_id = petition.deputy_id
    if deputy_id is None or not is_petition_deputy(user, petition):
        return False
    return RoutingRight.objects.filter(deputy_id=deputy_id).exists()
