"""Pages for constituents without an account: rating a report-back (述职评议) by QR code and
booking an appointment with a deputy (约访 / 点单式接待).

The session's public code only opens the form; each attendee's one-time code, printed on their
own evaluation form, is what lets one rating in. Wrong codes are counted per IP.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from core import qr
from core.errors import DomainError
from core.views_helpers import add_service_error
from petitions import ratelimit

from . import services
from .forms import EvaluateForm
from .models import ReportBack

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
