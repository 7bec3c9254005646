"""The loop's domain errors; messages are fit to show to the user."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core import errors


class PetitionError(errors.DomainError):
    """A rule of the loop refused the action."""


class IllegalTransition(PetitionError, errors.IllegalTransition):
    """The action is not allowed from the case's current status."""

    default_message = gettext_lazy("This action is not possible in the case's current status.")


class StaleCase(PetitionError, errors.StaleObject):
    """The case changed since the user loaded it."""

    default_message = gettext_lazy("This case was changed by someone else; reload the page.")


class RatingRefused(PetitionError):
    """The constituent's rating credential was wrong, expired or used up."""
