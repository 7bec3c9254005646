"""The login backend: Django's own, reading each request's user together with its roles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .roles import with_roles


class RolesBackend(ModelBackend):
    """``ModelBackend`` whose per-request user comes with its roles and the bell's count.

    Every signed-in page reads the session's user and then its roles (menus, the bell, each
    ``visible_to``); one statement for both (core.roles.with_roles) saves every page a query.
    """

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = with_roles(user_model._default_manager.filter(pk=user_id)).get()
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
