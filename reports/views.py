from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from core.roles import roles_of


@login_required
def home(request):
    """Send each role to its own landing page; someone with no role sees an explanation."""
    roles = roles_of(request.user)
    if roles.is_admin or roles.is_clerk:
        return redirect("reports:overview")
    if roles.staff_station_ids:
        return redirect("stations:detail", pk=min(roles.staff_station_ids))
    if roles.is_deputy:
        return redirect("deputies:me")
    if roles.is_handler:
        return redirect("petitions:department_cases")
    return render(request, "core/no_role.html", {"admin_url": reverse("admin:index")})
