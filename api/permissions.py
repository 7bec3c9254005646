"""Who may use the API at all, and who may write.

Keys: every usable key reads; a read-write key also writes. Sessions: the staff roles that have
pages (administrators, clerks, station staff, deputies, department handlers); the rows are then
scoped by ``visible_to`` exactly as on the pages, and services re-check every write.
"""

from __future__ import annotations

from typing import Any

from rest_framework import permissions

from core.roles import roles_of

from .auth import integration_of


class ApiAccess(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        integration = integration_of(request)
        if integration is not None:
            return request.method in permissions.SAFE_METHODS or integration.can_write
        user = request.user
        return bool(user and user.is_authenticated and roles_of(user).is_anyone)
