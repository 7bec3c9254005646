"""Pages of formal suggestions (thin: form → service → message → redirect).

The detail page offers exactly the actions of ``loop.REGISTRY`` the user may take now; one
POST view runs any of them through the form named on its row.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import listexport
from core.errors import DomainError, StaleObject
from core.roles import roles_of
from core.views_helpers import run_action
from petitions.selectors import openable_ids

from . import rights, selectors
from .choices import UNDER_DEADLINE, Classification, Status
from .forms import DraftForm, ListFilterForm
from .loop import REGISTRY
from .models import Suggestion, SuggestionReply

PAGE_SIZE = 25


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _visible(request, pk: int) -> Suggestion:
    return get_object_or_404(
        selectors.suggestion_detail(Suggestion.objects.visible_to(request.user)), pk=pk
    )


# "Export this list": the columns on screen, then the suggestion's text.
LIST_COLUMNS = [
    listexport.Column(_lazy("Number"), lambda s: f"{s.year} {s.number_label}" if s.number else ""),
    listexport.Column(_lazy("Title"), lambda s: s.title),
    listexport.Column(_lazy("Lead deputy"), lambda s: s.lead_deputy.name),
    listexport.Column(_lazy("Goes to"), lambda s: s.region.name),
    listexport.Column(
        _lazy("Lead department"), lambda s: s.lead_department.name if s.lead_department else ""
    ),
    listexport.Column(_lazy("Reply due by"), lambda s: s.deadline),
    listexport.Column(_lazy("Status"), lambda s: s.get_status_display()),
    listexport.Column(_lazy("Reasons"), lambda s: s.reasons),
    listexport.Column(_lazy("Proposals"), lambda s: s.proposals),
]


@login_required
@require_GET
def suggestion_list(request: HttpRequest) -> HttpResponse:
    """A clerk sees their region's, a deputy their own (led or co-signed), a department its
    assignments: the same page, scoped by ``visible_to``."""
    roles = roles_of(request.user)
    _require(roles.is_admin or roles.is_clerk or roles.is_deputy or roles.is_handler)
    form = ListFilterForm(request.GET or None)
    today = timezone.localdate()
    qs: QuerySet = Suggestion.objects.visible_to(request.user)
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    else:
        d = form.cleaned_data if form.is_bound else {}
        qs = selectors.suggestion_list(
            qs,
            status=d.get("status") or "",
            year=d.get("year"),
            overdue=bool(d.get("overdue")),
            today=today,
        )
    if listexport.wanted(request):
        return listexport.export_list(
            request,
            name=_("Deputies' suggestions"),
            columns=LIST_COLUMNS,
            rows=qs,
            filters=listexport.describe(form),
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/list.html",
        {
            "form": form,
            "page": page,
            "today": today,
            "under_deadline": UNDER_DEADLINE,
            "can_draft": rights.may_draft(request.user),
            "can_see_figures": rights.may_see_figures(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_create(request: HttpRequest) -> HttpResponse:
    _require(rights.may_draft(request.user))
    initial = {}
    if request.method == "GET" and request.GET.get("petition", "").isdigit():
        initial["petitions"] = [int(request.GET["petition"])]
    form = DraftForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = form.save()
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Draft saved. Invited deputies can now confirm their co-signature.")
            )
            return redirect(suggestion)
    return render(request, "suggestions/form.html", {"form": form, "suggestion": None})


@login_required
@require_http_methods(["GET", "POST"])
def suggestion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    suggestion = _visible(request, pk)
    action = REGISTRY["edit"]
    _require(action.allowed_for(request.user, suggestion))
    if not action.starts_from(suggestion.status):
        messages.error(request, _("Only a draft can be edited."))
        return redirect(suggestion)
    form = DraftForm(request.POST or None, actor=request.user, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleObject as exc:
            form.add_error(None, str(exc))
        except (ValidationError, DomainError) as exc:
            form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, _("Draft saved."))
            return redirect(suggestion)
    return render(request, "suggestions/form.html", {"form": form, "suggestion": suggestion})


def _form_class(name: str):
    return import_string(REGISTRY[name].form)


def _render_detail(request, suggestion: Suggestion, invalid: tuple[str, object] | None = None):
    """The suggestion page; ``invalid`` = (action, bound form) re-shows a rejected form with
    everything the user typed, opened at that action."""
    actions: list[dict[str, object]] = []
    for a in REGISTRY.available(request.user, suggestion):
        if not a.form:  # an action with a page of its own (editing the draft)
            actions.append(
                {
                    "name": a.name,
                    "label": a.label,
                    "link": reverse(a.url_name, args=[suggestion.pk]),
                }
            )
            continue
        if invalid and invalid[0] == a.name:
            form = invalid[1]
        else:
            form = _form_class(a.name)(suggestion=suggestion, actor=request.user)
        actions.append(
            {
                "name": a.name,
                "label": a.label,
                "url": reverse("suggestions:act", args=[suggestion.pk, a.name]),
                "form": form,
                "open": (invalid[0] == a.name)
                if invalid
                else not any(x.get("form") for x in actions),
            }
        )
    today = timezone.localdate()
    current_reply = next((r for r in suggestion.replies.all() if r.round == suggestion.round), None)
    return render(
        request,
        "suggestions/detail.html",
        {
            "s": suggestion,
            "actions": actions,
            "today": today,
            "overdue": suggestion.status in UNDER_DEADLINE
            and suggestion.deadline is not None
            and suggestion.deadline < today,
            "current_reply": current_reply,
            "cosignatures": list(suggestion.cosignatures.all()),
            "petitions": _petitions(request.user, suggestion),
            "classes": Classification,
        },
        status=400 if invalid else 200,
    )


def _petitions(user, suggestion: Suggestion) -> list[tuple[object, bool]]:
    """The linked opinions, each with whether the user may open it. A tracking code is the
    constituent's credential: only those who may open the case see it (and the link)."""
    linked = list(suggestion.petitions.all())
    visible = openable_ids(user, linked)
    return [(p, p.pk in visible) for p in linked]


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible(request, pk))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Run one registry action (core.views_helpers.run_action), then back to the page."""
    suggestion = _visible(request, pk)
    return run_action(
        request,
        suggestion,
        REGISTRY,
        action,
        lambda form: _render_detail(request, _visible(request, pk), invalid=(action, form)),
        form_kwargs={"suggestion": suggestion, "actor": request.user},
        refused=_("You may not do this on this suggestion."),
    )


# ---- printable forms -------------------------------------------------------------------------


@login_required
@require_GET
def print_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggestion form (代表建议书) as the standing committee files it."""
    suggestion = _visible(request, pk)
    return render(
        request,
        "suggestions/print_form.html",
        {
            "s": suggestion,
            "cosigners": [
                c.deputy for c in suggestion.cosignatures.all() if c.status == "confirmed"
            ],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def print_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The department's reply letter (答复函) of the current round (or the latest one)."""
    suggestion = _visible(request, pk)
    replies = list(suggestion.replies.all())
    if not replies:
        messages.error(request, _("The suggestion has no reply yet."))
        return redirect(suggestion)
    return render(
        request,
        "suggestions/print_reply.html",
        {"s": suggestion, "reply": replies[-1], "today": timezone.localdate()},
    )


@login_required
@require_GET
def letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed letter a department attached, only to those who may see the suggestion."""
    reply = get_object_or_404(
        SuggestionReply.objects.filter(
            suggestion__in=Suggestion.objects.visible_to(request.user)
        ).exclude(letter=""),
        pk=pk,
    )
    try:
        handle = reply.letter.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    from urllib.parse import quote

    response = FileResponse(handle, content_type=reply.letter_type or "application/octet-stream")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(reply.letter_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'"
    return response


# ---- figures ---------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """The clerks' page: the year's figures for their region, by department and by deputy."""
    _require(rights.may_see_figures(request.user))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    qs = selectors.registered_in(Suggestion.objects.visible_to(request.user), year)
    return render(
        request,
        "suggestions/figures.html",
        {
            "year": year,
            "years": list(range(today.year, today.year - 5, -1)),
            "total": selectors.figures(qs, today=today)[0],
            "by_department": selectors.figures(qs, by="department", today=today),
            "by_deputy": selectors.figures(qs, by="deputy", today=today),
            "status_counts": _status_counts(Suggestion.objects.visible_to(request.user), year),
        },
    )


def _status_counts(qs, year: int) -> list[tuple[str | Promise, int]]:
    from django.db.models import Count

    counts = dict(
        qs.filter(created_at__year=year)
        .exclude(status=Status.DRAFT)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        (label, counts.get(value, 0)) for value, label in Status.choices if value != Status.DRAFT
    ]
