"""The project's own system checks: the holiday calendar reaches far enough ahead, and (with
``check --deploy``) no demo password and proxy headers trusted narrowly.

``demo_data`` creates logins with one published password; on a production database that is an
open door (the outside test logged in as ``admin`` / ``demo12345``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

# Passwords printed in the README and the start-up banner; never valid on a real site.
DEMO_PASSWORD = "demo12345"
KNOWN_DEMO_PASSWORDS = (DEMO_PASSWORD,)
DEMO_LOGINS = (
    "admin",
    "clerk_city",
    "clerk",
    "staff",
    "staff2",
    "deputy",
    "handler",
    "handler2",
)
# Checking a password costs one slow hash per account; past this many accounts only the demo
# logins and the accounts that can reach the admin site are checked.
CHECK_ALL_UP_TO = 200


def demo_password_users() -> list[str]:
    """Usernames of active accounts whose password is a known demo password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password
    from django.db.models import Q

    users = get_user_model().objects.filter(is_active=True)
    if users.count() > CHECK_ALL_UP_TO:
        users = users.filter(Q(username__in=DEMO_LOGINS) | Q(is_superuser=True) | Q(is_staff=True))
    found, checked = [], {}
    for username, encoded in users.values_list("username", "password"):
        if not encoded or encoded.startswith("!"):
            continue  # unusable password
        if encoded not in checked:  # bulk-created accounts share one hash: check it once
            checked[encoded] = any(check_password(p, encoded) for p in KNOWN_DEMO_PASSWORDS)
        if checked[encoded]:
            found.append(username)
    return sorted(found)


@register(Tags.security, deploy=True)
def check_demo_passwords(app_configs=None, **kwargs) -> list:
    from django.db import DatabaseError

    try:
        found = demo_password_users()
    except DatabaseError:  # no database yet (e.g. the check before the first migrate)
        return []
    if not found:
        return []
    return [
        Error(
            f"{len(found)} active account(s) still use the demo password: {', '.join(found[:10])}",
            hint="Set real passwords (manage.py changepassword) or deactivate these accounts; "
            "demo data does not belong on a production database.",
            id="core.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_proxy_settings(app_configs=None, **kwargs) -> list:
    problems: list[CheckMessage] = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        problems.append(
            Error(
                "SECURE_PROXY_SSL_HEADER trusts X-Forwarded-Proto from any client.",
                hint="Leave it unset and list the proxy in TRUSTED_PROXIES; "
                "core.middleware.TrustedProxyMiddleware honours the header only from there.",
                id="core.E002",
            )
        )
    if settings.PRODUCTION and not settings.TRUSTED_PROXIES and settings.SECURE_SSL_REDIRECT:
        problems.append(
            Warning(
                "TRUSTED_PROXIES is empty: behind an HTTPS proxy every request looks like plain "
                "HTTP and is redirected again.",
                hint="Set TRUSTED_PROXIES to the proxy's address (e.g. 127.0.0.1), or set "
                "SECURE_SSL_REDIRECT=false if the application serves HTTPS itself.",
                id="core.W001",
            )
        )
    return problems


@register("calendar", Tags.database)
def holiday_calendar_coverage(app_configs=None, databases=None, **kwargs) -> list:
    """Runs with ``check --database default`` and ``migrate`` (it reads the database, so plain
    ``check`` — and the Celery worker's start-up checks — leave it out, as Django's own database
    checks do); administrators also see a banner and get a reminder each November."""
    from .workdays import COVERAGE_DAYS, coverage_gap

    if not databases:
        return []
    try:
        gap = coverage_gap()
    except DatabaseError:  # not migrated yet: nothing to say
        return []
    if gap is None:
        return []
    return [
        Warning(
            f"The holiday calendar has no State Council notice for {gap}, which starts within "
            f"{COVERAGE_DAYS} days: deadlines and reception days in it are provisional.",
            hint=(
                f"Run `manage.py load_holidays {gap}` (add `--file notice.csv` when chinese-calendar "
                "does not know the year yet) or use Admin → Holiday calendar years → Load a year."
            ),
            id="core.W001",
        )
    ]
