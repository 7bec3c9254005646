from .roles import roles_of, unread_notifications
from .workdays import coverage_gap


def roles(request) -> dict:
    user = getattr(request, "user", None)
    user_roles = roles_of(user)
    context: dict[str, object] = {"roles": user_roles}
    if user_roles.is_admin or user_roles.is_clerk:
        # The year within the coming months whose holidays are not loaded (a banner says so).
        context["calendar_gap"] = coverage_gap
    if user is not None and user.is_authenticated:
        # Read with the roles in one query (core.roles), once per request.
        context["unread_notifications"] = lambda: unread_notifications(user)
    return context
