"""The ties app's domain error."""

from core.errors import DomainError


class TiesError(DomainError):
    """A rule of pairing, grids, report-backs or appointments refused the action."""
