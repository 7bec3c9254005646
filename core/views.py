from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .models import Notification
from .views_helpers import paginate


@login_required
@require_GET
def notification_list(request):
    notifications = Notification.objects.filter(user=request.user)
    page = paginate(request, notifications, 30)
    return render(request, "core/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.url or "core:notifications")
