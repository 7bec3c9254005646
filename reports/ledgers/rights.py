"""Which ledger pages a role has any business on (rows are scoped by ``visible_to``)."""

from __future__ import annotations

from core.roles import Roles


def can_use_ledgers(roles: Roles) -> bool:
    """Exports, notices and the "who is behind" list: administrators, clerks and station staff."""
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


def can_record_activities(roles: Roles) -> bool:
    # A deputy does not write their own record; staff, clerks and administrators do.
    return roles.is_admin or roles.is_clerk or roles.is_staff_member
