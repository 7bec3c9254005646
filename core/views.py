import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import NotificationPreferencesForm
from .models import Notification
from .pii import scrub
from .roles import unread_notifications
from .views_helpers import paginate

# Form fields never repeated on the 503 page: secrets, one-use tokens, identity numbers.
_NOT_ECHOED = ("csrf", "captcha", "idempotency", "password", "phone", "id_number", "token")


SHOW = ("unread", "read")


@login_required
@require_GET
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    show = request.GET.get("show", "")
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    elif show == "read":
        notifications = notifications.filter(read_at__isnull=False)
    page = paginate(request, notifications, 30)
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "show": show if show in SHOW else "",
            # The bell's count, read with the user's roles (core.roles): not a second count.
            "unread": unread_notifications(request.user),
        },
    )


@login_required
@require_POST
def notifications_read_all(request):
    count = services.notifications_mark_all_read(actor=request.user)
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": count})
    return redirect("core:notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    form = NotificationPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.notification_preferences_save(
            actor=request.user,
            choices=form.choices(),
            daily_digest=form.cleaned_data["daily_digest"],
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("core:notification_settings")
    return render(request, "core/notification_settings.html", {"form": form})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.url or "core:notifications")


def _typed(request) -> list[tuple[str, str]]:
    """The text fields of a POST that failed, to show back to the person who typed them."""
    try:
        items = list(request.POST.items()) if request.method == "POST" else []
    except Exception:  # an unreadable body: nothing to give back
        return []
    return [
        (name, scrub(value)[:5000])
        for name, value in items
        if value.strip() and not any(part in name for part in _NOT_ECHOED)
    ]


def server_error(request, template_name: str = "500.html") -> HttpResponse:
    """handler500: the product's own page; 503 with the typed text when the database is down.

    Rendered without a request context: context processors would query the database that may
    be the very thing that failed.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        html = loader.get_template("503.html").render({"typed": _typed(request)})
        response = HttpResponse(html, status=503)
        response["Retry-After"] = "60"
        return response
    return HttpResponse(loader.get_template(template_name).render(), status=500)
