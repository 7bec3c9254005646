"""The login backend: Django's own, reading each request's user together with its roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .roles import user_with_roles


class RolesBackend(ModelBackend):
    """``ModelBackend`` whose per-request user comes with its roles and the bell's count.

    Every signed-in page reads the session's user and then its roles (menus, the bell, each
    ``visible_to``); one statement for both (core.roles.with_roles) saves every page a query.
    """

    def get_user(self, user_id):
        try:
            user = user_with_roles(get_user_model(), user_id)
        except (TypeError, ValueError, ValidationError):  # a session holding a broken id
            return None
        return user if user is not None and self.user_can_authenticate(user) else None
