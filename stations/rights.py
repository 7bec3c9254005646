"""Which pages of the registry a role has any business on (rows are scoped by querysets)."""

from __future__ import annotations

from core.roles import Roles


def can_list_stations(roles: Roles) -> bool:
    return roles.is_admin or roles.is_clerk or roles.is_staff_member or roles.is_deputy


def can_create_station(roles: Roles) -> bool:
    # Staff may add rooms and points under their own station; services check the details.
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


def can_see_regions(roles: Roles) -> bool:
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


def can_create_region(roles: Roles) -> bool:
    return roles.is_admin


def can_see_departments(roles: Roles) -> bool:
    return roles.is_admin or roles.is_clerk or roles.is_staff_member or roles.is_handler


def can_manage_departments(roles: Roles) -> bool:
    return roles.is_admin or roles.is_clerk


def can_export_stations(roles: Roles) -> bool:
    return roles.is_admin or roles.is_clerk or roles.is_staff_member


def can_import_stations(roles: Roles) -> bool:
    return roles.is_admin or roles.is_clerk
