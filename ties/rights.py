"""Who may do what with pairs, grids, report-backs and appointments (rows are scoped by the
``visible_to`` querysets; these answer "may this user write?")."""

from __future__ import annotations

from typing import Any

from core.roles import roles_of
from deputies.models import Deputy
from deputies.selectors import current_assignments
from stations.scope import manages_station


def runs_deputys_station(user: Any, deputy: Deputy) -> bool:
    """Administrators and the staff of a station the deputy is currently grouped into."""
    roles = roles_of(user)
    if roles.is_admin:
        return True
    if not roles.staff_station_ids:
        return False
    return any(manages_station(roles, a.station) for a in current_assignments(deputy))


def may_manage_pairs(user: Any, deputy: Deputy) -> bool:
    """The deputy themself and the staff of their stations add pairs and log contacts."""
    return roles_of(user).deputy_id == deputy.pk or runs_deputys_station(user, deputy)


def may_reveal_pair_phone(user: Any, deputy: Deputy) -> bool:
    """Who may press "show" on a paired constituent's phone (recorded): the same people."""
    return may_manage_pairs(user, deputy)


def is_clerk_or_admin(user: Any) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk


def runs_station(user: Any, station: Any) -> bool:
    return manages_station(roles_of(user), station)


def rates_meeting(user: Any, meeting: Any) -> bool:
    """A deputy of the themed meeting rates the departments' answers to its items himself."""
    deputy_id = roles_of(user).deputy_id
    return deputy_id is not None and meeting.deputies.filter(pk=deputy_id).exists()


def sees_grid_coverage(user: Any) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


def runs_appointment(user: Any, appointment: Any) -> bool:
    """The staff of the station booked (and of its head station) answer a booking."""
    return runs_station(user, appointment.station)
