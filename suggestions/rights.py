"""Who may act on a suggestion, one predicate per group of actions (read by loop.REGISTRY)."""

from __future__ import annotations

from core.roles import roles_of

from .choices import CosignStatus
from .querysets import covering_clerk


def is_lead_deputy(user, suggestion) -> bool:
    roles = roles_of(user)
    return roles.is_deputy and suggestion.lead_deputy_id == roles.deputy_id


def is_invited_cosigner(user, suggestion) -> bool:
    """A deputy whose invitation to co-sign is still unanswered."""
    roles = roles_of(user)
    return (
        roles.is_deputy
        and suggestion.cosignatures.filter(
            deputy_id=roles.deputy_id, status=CosignStatus.PENDING
        ).exists()
    )


def is_covering_clerk(user, suggestion) -> bool:
    """Admins and the standing committee's clerks whose region covers the suggestion's."""
    roles = roles_of(user)
    return roles.is_admin or covering_clerk(roles, suggestion.region)


def is_lead_handler(user, suggestion) -> bool:
    roles = roles_of(user)
    return roles.is_admin or (
        suggestion.lead_department_id is not None
        and suggestion.lead_department_id in roles.handler_department_ids
    )


def is_lead_handler_or_clerk(user, suggestion) -> bool:
    return is_lead_handler(user, suggestion) or is_covering_clerk(user, suggestion)


def may_see_figures(user) -> bool:
    roles = roles_of(user)
    return roles.is_admin or roles.is_clerk


def may_draft(user) -> bool:
    return roles_of(user).is_deputy
