"""Pages for constituents without an account: submit by QR code, receipt, tracking, rating.

Knowing a tracking code (≥ 64 random bits) is the credential for a case's masked public view,
so these pages fetch by code instead of through ``visible_to``. Lookups that miss are counted
per address, network and code prefix to make guessing pointless, and personal data only ever appears masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.codes import normalize_code
from core.pii import mask_name, mask_phone
from core.roles import roles_of
from deputies.models import Deputy
from deputies.selectors import primary_station
from stations.models import Station

from . import captcha, ratelimit, services
from .choices import STATUS_TONE, UNDER_DEADLINE, Channel, RaterKind, Satisfaction, Status
from .errors import PetitionError, RatingRefused
from .event_notes import render_note
from .loop import LOOP, constituent_not_rated
from .models import Petition, PetitionEvent, Rating
from .public_forms import RateForm, SubmitForm, TrackForm

SUBMITTED_KEY = "public_submitted_codes"
HOUR, MINUTE = 3600, 60
# Lookups of codes that do not exist ("misses"; a found code is never counted or refused), in
# four counters. A person mistypes a few times; a script guessing codes would need billions.
# Per address and minute: a burst.
LOOKUP_MISSES_PER_MINUTE = 30
# Per address and hour: a guessing script gets at most 40 answers an hour at any speed, so of
# 10,000 guesses ≥ 99.2 % are refused even when the run straddles an hour boundary.
LOOKUP_MISSES_PER_HOUR = 40
# Per network (/24 of IPv4, /64 of IPv6) and hour: a script rotating through its addresses.
LOOKUP_NETWORK_MISSES_PER_HOUR = 200
# Per code prefix (its first LOOKUP_PREFIX letters, from any address) and hour: someone who has
# the beginning of a code (a photo of half a receipt) and guesses the rest from many addresses.
LOOKUP_PREFIX = 8
LOOKUP_PREFIX_MISSES_PER_HOUR = 10
# Wrong rating codes per IP and hour (each code also dies after five wrong tries).
RATE_FAILURES_PER_HOUR = 10


# ---------------------------------------------------------------------------------------------
# Submission


def _closed(request: HttpRequest) -> HttpResponse:
    return render(request, "petitions/public/closed.html", status=404)


@require_http_methods(["GET", "POST"])
def station_submit(request: HttpRequest, public_code: str) -> HttpResponse:
    station = Station.objects.filter(public_code=public_code, is_active=True).first()
    if station is None:
        return _closed(request)
    return _submit(request, station=station, deputy=None, channel=Channel.STATION_QR)


@require_http_methods(["GET", "POST"])
def deputy_submit(request: HttpRequest, public_code: str) -> HttpResponse:
    deputy = Deputy.objects.filter(public_code=public_code, is_active=True).first()
    station = primary_station(deputy) if deputy is not None else None
    if deputy is None or station is None or not station.is_active:
        return _closed(request)
    return _submit(request, station=station, deputy=deputy, channel=Channel.DEPUTY_QR)


def _submit(request: HttpRequest, *, station: Station, deputy: Deputy | None, channel: str):
    ip = ratelimit.client_ip(request)
    status, limited = 200, False
    if request.method == "POST":
        # A double click or a retry after a lost response: the first request already made
        # the petition, so show its receipt (the captcha was used up by that request).
        key = _idempotency_key(request.POST.get("idempotency_key", ""))
        existing = services.petition_with_key(station, key) if key else None
        if existing is not None:
            return _submitted(request, existing)
        if ratelimit.exceeded("submit", ip, limit=settings.PUBLIC_SUBMIT_RATE, window=HOUR):
            # Not validated, so the typed text comes back without error marks.
            form = SubmitForm(initial=request.POST.dict(), request=request)
            status, limited = 429, True
        else:
            form = SubmitForm(request.POST, request.FILES, request=request, station=station)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    petition = services.petition_submit(
                        actor=None,
                        submission=form.submission(
                            station=station,
                            deputy=deputy,
                            channel=channel,
                            idempotency_key=_idempotency_key(data["idempotency_key"]),
                        ),
                    )
                except ValidationError as exc:
                    _add_service_errors(form, exc)
                else:
                    ratelimit.hit("submit", ip, window=HOUR)
                    return _submitted(request, petition)
    else:
        form = SubmitForm(request=request)
    context = {
        "form": form,
        "station": station,
        "deputy": deputy,
        "captcha": captcha.issue(request),
        "limited": limited,
        "rate_limit": settings.PUBLIC_SUBMIT_RATE,
        "has_errors": request.method == "POST" and not limited,
    }
    return render(request, "petitions/public/submit.html", context, status=status)


def _idempotency_key(raw: str) -> str:
    """Public keys get their own prefix, so they can never match a key staff forms use."""
    return f"public:{raw}" if raw else ""


def _add_service_errors(form: SubmitForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _submitted(request: HttpRequest, petition: Petition) -> HttpResponse:
    codes = [c for c in request.session.get(SUBMITTED_KEY, []) if c != petition.tracking_code]
    request.session[SUBMITTED_KEY] = (codes + [petition.tracking_code])[-10:]
    return redirect("public:receipt", petition.tracking_code)


@require_GET
def captcha_refresh(request: HttpRequest) -> HttpResponse:
    """A new captcha picture (an htmx fragment) without posting the form."""
    return render(request, "petitions/public/_captcha.html", {"captcha": captcha.issue(request)})


# ---------------------------------------------------------------------------------------------
# Looking a case up


class _Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _too_many(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "petitions/public/too_many.html", {"message": message}, status=429)


def _lookup_refused() -> str:
    return _("Too many tracking codes were looked up. Try again later; a correct code still works.")


def _lookup_counters(request: HttpRequest, code: str = "") -> list[tuple[str, str, int, int]]:
    """(scope, who, limit, window) of every counter a miss of ``code`` from here counts in."""
    ip = ratelimit.client_ip(request)
    counters = [
        ("lookup", ip, LOOKUP_MISSES_PER_MINUTE, MINUTE),
        ("lookup-hour", ip, LOOKUP_MISSES_PER_HOUR, HOUR),
        ("lookup-net", ratelimit.network_of(ip), LOOKUP_NETWORK_MISSES_PER_HOUR, HOUR),
    ]
    if len(code) >= LOOKUP_PREFIX:
        counters.append(
            ("lookup-prefix", code[:LOOKUP_PREFIX], LOOKUP_PREFIX_MISSES_PER_HOUR, HOUR)
        )
    return counters


def _lookup_limited(request: HttpRequest, code: str = "") -> bool:
    return any(
        ratelimit.exceeded(scope, who, limit=limit, window=window)
        for scope, who, limit, window in _lookup_counters(request, code)
    )


def _count_miss(request: HttpRequest, code: str = "") -> None:
    for scope, who, _limit, window in _lookup_counters(request, code):
        ratelimit.hit(scope, who, window=window)


def _find(request: HttpRequest, code: str) -> Petition | None:
    """The petition with this code, or None (and the miss is counted against the IP).

    Misses are throttled, not hits: a neighbour behind the same NAT as a guessing script
    still finds their own case (issue 9 #8). A hit is worth nothing to a guesser: a code has
    ~68.7 random bits, so at 10^3 guesses a second a million cases take ~10^4 years."""
    code = normalize_code(code)
    petition = (
        Petition.objects.select_related("station", "category").filter(tracking_code=code).first()
    )
    if petition is None:
        if _lookup_limited(request, code):
            raise _Refused(_too_many(request, _lookup_refused()))
        _count_miss(request, code)
    return petition


def _petition_or_refuse(request: HttpRequest, code: str) -> Petition:
    petition = _find(request, code)
    if petition is None:
        raise _Refused(render(request, "petitions/public/not_found.html", status=404))
    return petition


def _public_page(view):
    """Turn a _Refused raised by the view into its response."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Refused as refused:
            return refused.response

    return wrapper


@require_GET
@_public_page
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    petition = _petition_or_refuse(request, code)
    context = {
        "petition": petition,
        "groups": petition.display_code.split("-"),
        "just_submitted": petition.tracking_code in request.session.get(SUBMITTED_KEY, []),
        "masked_name": mask_name(petition.constituent_name),
        "masked_phone": mask_phone(petition.phone),
    }
    return render(request, "petitions/public/receipt.html", context)


@require_GET
@_public_page
def track(request: HttpRequest) -> HttpResponse:
    if "code" in request.GET:
        form = TrackForm(request.GET)
        if not form.is_valid() and _lookup_limited(request):
            return _too_many(request, _lookup_refused())
        if form.is_valid():
            petition = _find(request, form.cleaned_data["code"])
            if petition is not None:
                return redirect("public:track_detail", petition.tracking_code)
            form.add_error(
                "code",
                _("No case has this tracking code. Please check it against your receipt."),
            )
        else:
            # A malformed code is a miss too: it is what a guessing script sends most.
            _count_miss(request)
    else:
        form = TrackForm()
    return render(request, "petitions/public/track.html", {"form": form})


@require_GET
def short_link(request: HttpRequest, code: str) -> HttpResponse:
    """/t/<code>, the short link in the constituent's SMS: on to the tracking page.

    The tracking page itself refuses unknown codes and throttles guessing; this only redirects.
    """
    clean = normalize_code(code)
    if not clean:
        raise Http404
    return redirect("public:track_detail", clean)


@dataclass
class Step:
    label: str
    state: str  # "done", "current", "todo"


STEPS = (
    ((Status.SUBMITTED,), gettext_lazy("Received")),
    ((Status.ACCEPTED, Status.TRIAGED), gettext_lazy("Accepted")),
    ((Status.ASSIGNED, Status.HANDLING), gettext_lazy("With the department")),
    ((Status.REPLIED,), gettext_lazy("Replied")),
    ((Status.FEEDBACK_GIVEN,), gettext_lazy("Result told to you")),
    ((Status.CLOSED,), gettext_lazy("Closed")),
)

PLAIN_STATUS: dict[str, Promise] = {
    Status.SUBMITTED: gettext_lazy(
        "We have received your opinion. The station will look at it shortly."
    ),
    Status.ACCEPTED: gettext_lazy(
        "The station has accepted your opinion and is deciding who should handle it."
    ),
    Status.TRIAGED: gettext_lazy(
        "The station has accepted your opinion and is deciding who should handle it."
    ),
    Status.ASSIGNED: gettext_lazy("Your case has been passed to the department responsible."),
    Status.HANDLING: gettext_lazy("The department responsible is working on your case."),
    Status.REPLIED: gettext_lazy(
        "The department has replied. The station or the deputy will tell you the result."
    ),
    Status.FEEDBACK_GIVEN: gettext_lazy(
        "You have been told the result. Please tell us whether you are satisfied."
    ),
    Status.CLOSED: gettext_lazy("Your case is closed. Thank you for your opinion."),
    Status.DECLINED: gettext_lazy("The station could not take up this opinion."),
    Status.MERGED: gettext_lazy(
        "Your opinion is about the same matter as an earlier case; they are handled together."
    ),
}


def step_label(status: str) -> str:
    """The stepper's word for a status: the timeline and the status badge say the same."""
    for statuses, label in STEPS:
        if status in statuses:
            return str(label)
    return str(Status(status).label) if status else ""


def progress(status: str) -> list[Step]:
    """The loop's steps with the case's position on them (empty for declined/merged cases)."""
    current = next((i for i, (statuses, _label) in enumerate(STEPS) if status in statuses), None)
    if current is None:
        return []
    return [
        Step(str(label), "done" if i < current else "current" if i == current else "todo")
        for i, (_statuses, label) in enumerate(STEPS)
    ]


# Department-side events: shown as "department" even when the actor also holds another role.
_DEPARTMENT_STATUSES = {Status.HANDLING, Status.REPLIED}


def actor_role(event: PetitionEvent, cache: dict) -> str:
    """Who acted, as a role ("station", "department", …), never the person's name."""
    if event.actor_label == RaterKind.CONSTITUENT:
        return _("You")
    if event.actor_id is None:
        return _("System")
    if event.actor_id not in cache:
        cache[event.actor_id] = roles_of(event.actor)
    roles = cache[event.actor_id]
    if roles.is_handler and (
        event.to_status in _DEPARTMENT_STATUSES or not (roles.staff_station_ids or roles.is_admin)
    ):
        return _("Department")
    if roles.is_deputy and not roles.staff_station_ids:
        return _("Deputy")
    if roles.is_clerk and not roles.staff_station_ids:
        return _("People's congress office")
    return _("Liaison station")


def _timeline(petition: Petition) -> list[dict]:
    cache: dict = {}
    rows = []
    for event in petition.events.filter(is_public=True).select_related("actor"):
        rows.append(
            {
                "at": event.created_at,
                "who": actor_role(event, cache),
                "what": step_label(event.to_status) if event.to_status else "",
                "kind": event.get_kind_display(),
                "is_transition": bool(event.to_status),
                # Only text meant for the constituent; staff notes stay internal.
                "note": render_note(event.public_note),
            }
        )
    return rows


@require_GET
@_public_page
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    petition = _petition_or_refuse(request, code)
    context = {
        "petition": petition,
        "groups": petition.display_code.split("-"),
        "plain_status": PLAIN_STATUS.get(petition.status, ""),
        "status_label": step_label(petition.status),
        "status_tone": STATUS_TONE.get(petition.status, "primary"),
        # Named once the case has left the station (the seeds: 转交部门办理, 结果反馈).
        "department": petition.lead_department
        if petition.status not in (Status.SUBMITTED, Status.ACCEPTED, Status.TRIAGED)
        else None,
        "steps": progress(petition.status),
        "timeline": _timeline(petition),
        "masked_name": mask_name(petition.constituent_name),
        "show_reply": petition.status in (Status.REPLIED, Status.FEEDBACK_GIVEN, Status.CLOSED)
        and bool(petition.reply_summary),
        "show_deadline": petition.deadline is not None and petition.status in UNDER_DEADLINE,
        "can_rate": can_rate(petition),
        "joined": _joined(petition),
    }
    return render(request, "petitions/public/track_detail.html", context)


def _joined(petition: Petition) -> dict | None:
    """For a merged case, how the case it joined is getting on: the constituent keeps following
    it with their own code. Only its step, station and department are shown, never its code or
    texts (those belong to the other constituent)."""
    original, seen = petition.merged_into, {petition.pk}
    # A chain of merges ends at the case that is being handled.
    while original is not None and original.merged_into_id and original.pk not in seen:
        seen.add(original.pk)
        original = original.merged_into
    if original is None:
        return None
    return {
        "station": original.station.name,
        "status_label": step_label(original.status),
        "steps": progress(original.status),
        "department": original.lead_department
        if original.status not in (Status.SUBMITTED, Status.ACCEPTED, Status.TRIAGED)
        else None,
    }


# ---------------------------------------------------------------------------------------------
# Rating


def can_rate(petition: Petition) -> bool:
    """The constituent rates once per round, after the result was told to them."""
    return LOOP["rate"].starts_from(petition.status) and constituent_not_rated(petition)


def _already_rated(petition: Petition) -> bool:
    return not constituent_not_rated(petition)


@require_http_methods(["GET", "POST"])
@_public_page
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """Rate with a one-time code sent by SMS to the registered phone (the receipt shows the
    tracking code and the phone's last digits, so neither can be the credential)."""
    petition = _petition_or_refuse(request, code)
    context: dict = {
        "petition": petition,
        "station": petition.station,
        "masked_phone": mask_phone(petition.phone),
    }
    if not can_rate(petition):
        context["reason"] = "rated" if _already_rated(petition) else "not_yet"
        return render(request, "petitions/public/rate_closed.html", context)
    if not petition.phone:
        context["reason"] = "no_phone"
        return render(request, "petitions/public/rate_closed.html", context)

    ip = ratelimit.client_ip(request)
    status = 200
    form = RateForm()
    if request.method == "POST" and ratelimit.exceeded(
        "rate-fail", ip, limit=RATE_FAILURES_PER_HOUR, window=HOUR
    ):
        return _too_many(
            request, _("Too many wrong attempts. Please try again later or call the station.")
        )
    if request.method == "POST" and "send_code" in request.POST:
        try:
            services.rating_code_issue(petition=petition)
        except RatingRefused as exc:
            context["error"] = str(exc)
            status = 429
        else:
            context["code_sent"] = True
    elif request.method == "POST":
        form = RateForm(request.POST)
        if form.is_valid():
            try:
                services.petition_rate_by_constituent(
                    tracking_code=petition.tracking_code,
                    rating_code=form.cleaned_data["rating_code"],
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                )
            except RatingRefused as exc:
                ratelimit.hit("rate-fail", ip, window=HOUR)
                form.add_error("rating_code", str(exc))
            except PetitionError as exc:
                context["error"] = str(exc)
                status = 409
            else:
                return redirect("public:rated", petition.tracking_code)
    context["form"] = form
    return render(request, "petitions/public/rate.html", context, status=status)


@require_GET
@_public_page
def rated(request: HttpRequest, code: str) -> HttpResponse:
    """Thanks after rating; says whether the case was reopened."""
    petition = _petition_or_refuse(request, code)
    rating = (
        Rating.objects.filter(petition=petition, rater=RaterKind.CONSTITUENT)
        .order_by("-created_at")
        .first()
    )
    context = {
        "petition": petition,
        "rating": rating,
        "reopened": rating is not None and rating.satisfaction == Satisfaction.UNSATISFIED,
        "track_url": reverse("public:track_detail", args=[petition.tracking_code]),
    }
    return render(request, "petitions/public/rated.html", context)
