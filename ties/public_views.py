"""Pages for constituents without an account: rating a report-back (述职评议) by QR code and
booking an appointment with a deputy (约访 / 点单式接待).

The session's public code only opens the form; each attendee's one-time code, printed on their
own evaluation form, is what lets one rating in. Wrong codes are counted per IP.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from core import qr
from core.errors import DomainError
from core.views_helpers import add_service_error
from petitions import captcha, ratelimit
from stations.models import Station
from stations.selectors import current_deputies

from . import services
from .forms import BookForm, EvaluateForm
from .models import Appointment, ReportBack, ThemedMeeting

HOUR = 3600
# Wrong evaluation codes per IP and hour: a person mistypes a few times, guessing needs millions.
EVALUATE_FAILURES_PER_HOUR = 20


@require_http_methods(["GET", "POST"])
def evaluate(request: HttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(ReportBack.objects.select_related("district"), public_code=code)
    speakers = list(session.speakers.select_related("deputy"))
    ip = ratelimit.client_ip(request)
    status, done = 200, False
    if request.method == "POST":
        form = EvaluateForm(request.POST, speakers=speakers)
        if ratelimit.exceeded("evaluate", ip, limit=EVALUATE_FAILURES_PER_HOUR, window=HOUR):
            form = EvaluateForm(initial=request.POST.dict(), speakers=speakers)
            form.is_bound = False
            status = 429
        elif form.is_valid():
            try:
                services.reportback_evaluate(
                    session=session, code=form.cleaned_data["code"], ratings=form.ratings()
                )
            except DomainError as exc:
                ratelimit.hit("evaluate", ip, window=HOUR)
                add_service_error(form, exc)
            else:
                done = True
    else:
        form = EvaluateForm(speakers=speakers)
    return render(
        request,
        "ties/public/evaluate.html",
        {
            "session": session,
            "form": form,
            "done": done,
            "limited": status == 429,
            "limited_text": _(
                "Too many wrong codes from this network. Please try again in an hour."
            ),
        },
        status=status,
    )


@require_GET
@cache_control(max_age=86400, public=True)
def evaluate_qr(request: HttpRequest, code: str) -> HttpResponse:
    session = get_object_or_404(ReportBack, public_code=code)
    return HttpResponse(qr.qr_svg(session.public_url), content_type="image/svg+xml")


BOOKED_KEY = "ties_booked_appointment"


def _bookable(station: Station) -> tuple[list, list]:
    deputies = [row.deputy for row in current_deputies(station, with_links=False)]
    meetings = list(
        ThemedMeeting.objects.filter(
            station=station, open_for_booking=True, held_at__gte=timezone.now()
        ).order_by("held_at")
    )
    return deputies, meetings


@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, code: str) -> HttpResponse:
    """Book a slot with a deputy or a themed reception (约访 / 点单式接待), no account needed:
    the same captcha, rate limit and consent as the QR petition form."""
    station = Station.objects.filter(public_code=code, is_active=True).first()
    if station is None:
        return render(request, "petitions/public/closed.html", status=404)
    deputies, meetings = _bookable(station)
    kw = {"request": request, "station": station, "deputies": deputies, "meetings": meetings}
    ip = ratelimit.client_ip(request)
    status, limited = 200, False
    if request.method == "POST":
        if ratelimit.exceeded("book", ip, limit=settings.PUBLIC_SUBMIT_RATE, window=HOUR):
            form = BookForm(initial=request.POST.dict(), **kw)
            status, limited = 429, True
        else:
            form = BookForm(request.POST, **kw)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    appointment = services.appointment_book(
                        station=station,
                        topic=data["topic"],
                        preferred_time=data["preferred_time"],
                        name=data["name"],
                        phone=data["phone"],
                        consent=data["consent"],
                        **form.target(),
                    )
                except ValidationError as exc:
                    add_service_error(form, exc)
                else:
                    ratelimit.hit("book", ip, window=HOUR)
                    request.session[BOOKED_KEY] = appointment.pk
                    return redirect("ties_public:booked", station.public_code)
    else:
        form = BookForm(**kw)
    return render(
        request,
        "ties/public/book.html",
        {
            "station": station,
            "form": form,
            "captcha": captcha.issue(request),
            "limited": limited,
            "rate_limit": settings.PUBLIC_SUBMIT_RATE,
        },
        status=status,
    )


@require_GET
def booked(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt of a booking, for the browser that made it (masked phone only)."""
    station = get_object_or_404(Station, public_code=code)
    pk = request.session.get(BOOKED_KEY)
    appointment = Appointment.objects.filter(pk=pk, station=station).first() if pk else None
    return render(request, "ties/public/booked.html", {"station": station, "a": appointment})
