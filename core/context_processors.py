from .roles import roles_of


def roles(request) -> dict:
    user = getattr(request, "user", None)
    context: dict[str, object] = {"roles": roles_of(user)}
    if user is not None and user.is_authenticated:
        # Lazy: only queried when the header renders the bell.
        context["unread_notifications"] = lambda: user.notifications.filter(
            read_at__isnull=True
        ).count()
    return context
