"""One base class for every domain error the product shows to a user.

A service raises a subclass with a message fit for the screen; views catch ``DomainError``
(and Django's ``ValidationError`` / ``PermissionDenied``) in one place, ``core.views_helpers``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """A rule of the domain refused the action; ``message`` is shown to the user as is."""

    default_message = gettext_lazy("This action is not possible.")

    def __init__(self, message: object | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class IllegalTransition(DomainError):
    """The action is not allowed from the object's current state."""

    default_message = gettext_lazy("This action is not possible in the current status.")


class StaleObject(DomainError):
    """The object changed since the user loaded it (optimistic version check)."""

    default_message = gettext_lazy("This record was changed by someone else; reload the page.")
