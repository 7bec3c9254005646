"""Small helpers every app's views share: require a right, show a service's refusal on the
form, paginate a list.

Views stay thin: parse the form, call one service, and on a domain refusal put the service's
message on the form (so nothing typed is lost) instead of answering with an error page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpRequest

from .errors import DomainError


def require(allowed: bool) -> None:
    """Refuse the request (403) unless the role may use the page at all; rows are scoped by
    ``visible_to`` querysets, which answer 404."""
    if not allowed:
        raise PermissionDenied


def add_service_error(
    form, exc: ValidationError | DomainError | PermissionDenied, fallback: str = ""
) -> None:
    """Copy a service's refusal onto ``form``: a ValidationError keeps its fields, a domain
    error or a refused right becomes a message above the form (``fallback`` if it has none)."""
    if isinstance(exc, ValidationError):
        form.add_error(None, exc)
    else:
        form.add_error(None, str(exc) or fallback)


def paginate(request: HttpRequest, items, per_page: int) -> Page:
    """The page of ``items`` asked for by ``?page=`` (the last page if it is past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
