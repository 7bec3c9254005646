"""Which report pages a role has any business on (rows are scoped by region and station)."""

from __future__ import annotations

from core.roles import Roles


def can_see_region_dashboards(roles: Roles) -> bool:
    """Region dashboards are for administrators and clerks; anyone else has no business there."""
    return roles.is_admin or roles.is_clerk
