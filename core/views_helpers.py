"""Small helpers every app's views share: require a right, show a service's refusal on the
form, run one registry action from a POST, save a settings form, paginate a list.

Views stay thin: parse the form, call one service, and on a domain refusal put the service's
message on the form (so nothing typed is lost) instead of answering with an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import DomainError, StaleObject
from .machine import Registry

T = TypeVar("T")


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


def run_action(
    request: HttpRequest,
    obj: Any,
    registry: Registry,
    name: str,
    show: Callable[[forms.BaseForm], HttpResponse],
    *,
    form_kwargs: dict[str, Any] | None = None,
    perform: Callable[[Any], Any] | None = None,
    refused: str = "",
    back: str = "",
) -> HttpResponse:
    """The POST view of one registry action on ``obj``, for every app alike.

    An unknown action (or one with a page of its own) is a 404, a right the user lacks a 403.
    The row's form is bound to the POST (with ``form_kwargs``); an invalid form, or a
    ValidationError from the service, comes back through ``show(form)`` (the detail page
    re-shown with the bound form, so nothing typed is lost). Otherwise the service runs
    (``perform(form)``, by default ``form.perform()``); a stale version, a domain refusal or a
    refused right becomes a message, success the form's ``done_message`` (a text, or a method
    given the service's result), and the user goes back to ``back`` or the object's page.
    """
    if name not in registry or not registry[name].form:
        raise Http404
    require(registry[name].allowed_for(request.user, obj))
    form = import_string(registry[name].form)(request.POST, request.FILES, **(form_kwargs or {}))
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: please correct the form below."))
        return show(form)
    try:
        result = perform(form) if perform is not None else form.perform()
    except StaleObject as exc:
        messages.warning(request, str(exc))
    except DomainError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        form.add_error(None, exc)
        messages.error(
            request, _("Nothing was changed: %(errors)s") % {"errors": " ".join(exc.messages)}
        )
        return show(form)
    except PermissionDenied as exc:
        messages.error(request, refused or str(exc) or str(DomainError.default_message))
    else:
        done = form.done_message
        messages.success(request, str(done(result) if callable(done) else done))
    return redirect(back or obj.get_absolute_url())


def save_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], T],
    done: Callable[[T], HttpResponse],
) -> HttpResponse | None:
    """The POST half of a create or edit page (form → service → message → redirect), for
    every app alike.

    On a POST whose ``form`` is valid, ``save()`` calls the service; a refusal (a
    ValidationError, a domain error, a refused right) goes onto the form, so nothing typed is
    lost. After a save, ``done(result)`` answers (usually ``saved(…)``: the message and the
    redirect). None means the view shows its page: a GET, or the form with its errors, with
    ``form_status(form)``.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save()
    except (ValidationError, DomainError, PermissionDenied) as exc:
        add_service_error(form, exc)
        return None
    return done(result)


def saved(request: HttpRequest, message: str, to: Any, *args: Any, **kwargs: Any) -> HttpResponse:
    """The answer after a save: ``message`` as a success, then ``redirect(to, *args, **kwargs)``."""
    messages.success(request, message)
    return redirect(to, *args, **kwargs)


def form_status(form: forms.BaseForm) -> int:
    """A form page answers 400 when it shows a posted form again (it has errors), else 200."""
    return 400 if form.is_bound else 200


def paginate(request: HttpRequest, items, per_page: int) -> Page:
    """The page of ``items`` asked for by ``?page=`` (the last page if it is past the end)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` rows, for lists over a whole province.

    Counting every case of a province (1M rows) cost more than the page itself. This counts
    up to ``cap + 1`` rows (a bounded subquery); past the cap, ``is_capped`` is true, the count
    shows as "10,000+" and the pages end at the cap: the user filters to narrow the list.
    """

    def __init__(self, object_list: QuerySet, per_page: int, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.cap = cap
        self.is_capped = False

    @cached_property
    def count(self) -> int:
        n = self.queryset.order_by()[: self.cap + 1].count()
        self.is_capped = n > self.cap
        return min(n, self.cap)

    @property
    def count_label(self) -> str:
        return f"{self.count:,}+" if self.is_capped else f"{self.count:,}"

    @property
    def cap_label(self) -> str:
        return f"{self.cap:,}"

    @property
    def num_pages_label(self) -> str:
        return f"{self.num_pages}+" if self.is_capped else str(self.num_pages)
