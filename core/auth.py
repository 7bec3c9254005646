"""Login throttling: per account across addresses, growing cool-downs, a generous per-address cap.

An outside test found 40 guesses at ``admin`` from 10 addresses never locked (the lock was
per username *and* address), the lock restarting on every try during it (the right password
included, so a locked user stayed locked), and one address's failures blocking a whole
office behind one NAT. django-axes still recognises the login attempts, refuses locked ones
and renders the lock-out page; this handler decides:

* an account is locked after ``AXES_FAILURE_LIMIT`` failures from any addresses, for
  ``LOGIN_COOLOFF_MINUTES``, doubled for each further lock within a day (at most a day);
* tries refused by a lock are not counted and do not extend it;
* an address is refused after ``LOGIN_FAILURES_PER_ADDRESS`` failures in an hour (all accounts
  together): generous, since a station's office shares one address;
* the account's owner is told of each lock (in-app and email); an administrator unlocks it
  with the "Unlock login" action on the user list.
"""

from __future__ import annotations

import datetime as dt
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import LoginLock

log = logging.getLogger(__name__)
MAX_COOLOFF = dt.timedelta(days=1)
ADDRESS_WINDOW = dt.timedelta(hours=1)


def cool_off(lockouts: int) -> dt.timedelta:
    """The length of the ``lockouts``-th lock of a day: 15, 30, 60 … minutes, at most a day."""
    minutes = settings.LOGIN_COOLOFF_MINUTES * 2 ** max(0, lockouts - 1)
    return min(dt.timedelta(minutes=minutes), MAX_COOLOFF)


def locked_until(username: str | None) -> dt.datetime | None:
    """When the account's current lock ends, or None if it is not locked."""
    if not username:
        return None
    until = (
        LoginLock.objects.filter(username=username, locked_until__gt=timezone.now())
        .values_list("locked_until", flat=True)
        .first()
    )
    return until


def address_blocked(ip_address: str | None) -> bool:
    if not ip_address:
        return False
    since = timezone.now() - ADDRESS_WINDOW
    failures = AccessFailureLog.objects.filter(
        ip_address=ip_address, attempt_time__gte=since, locked_out=False
    ).count()
    return failures >= settings.LOGIN_FAILURES_PER_ADDRESS


@transaction.atomic
def account_failed(username: str, at: dt.datetime) -> LoginLock | None:
    """Count one failure for the account; returns the lock row when this failure locks it."""
    lock, _created = LoginLock.objects.select_for_update().get_or_create(username=username)
    if lock.last_failure_at and at - lock.last_failure_at > MAX_COOLOFF:
        lock.lockouts = 0  # a quiet day forgives earlier locks
    lock.failures += 1
    lock.last_failure_at = at
    locks_now = lock.failures >= settings.AXES_FAILURE_LIMIT
    if locks_now:
        lock.lockouts += 1
        lock.failures = 0
        lock.locked_until = at + cool_off(lock.lockouts)
    lock.save()
    return lock if locks_now else None


def unlock(usernames) -> int:
    """Lift the lock and forget the failures of these accounts (the administrator's action)."""
    return LoginLock.objects.filter(username__in=list(usernames)).update(
        failures=0, lockouts=0, locked_until=None
    )


def _tell_owner(lock: LoginLock, ip_address: str) -> None:
    from .notify import notify_users

    user = get_user_model().objects.filter(username=lock.username, is_active=True).first()
    if user is None or lock.locked_until is None:
        return
    until = timezone.localtime(lock.locked_until)
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your account was locked after repeated failed logins")
        body = _(
            "Someone entered a wrong password for your login %(username)s %(n)d times, most "
            "recently from the address %(ip)s. The login is locked until %(until)s. If this was "
            "not you, tell the system administrator and change your password."
        ) % {
            "username": lock.username,
            "n": settings.AXES_FAILURE_LIMIT,
            "ip": ip_address or "?",
            "until": until.strftime("%Y-%m-%d %H:%M"),
        }
    notify_users(
        [user],
        subject=subject,
        body=body,
        url="",
        dedupe_key=f"login-lock:{user.pk}:{lock.locked_until.isoformat()}",
    )


class AccountLockHandler(AxesDatabaseHandler):
    """Axes handler with the rules of the module docstring (failures kept in AccessFailureLog)."""

    def is_locked(self, request, credentials=None) -> bool:
        username = get_client_username(request, credentials)
        return locked_until(username) is not None or address_blocked(
            getattr(request, "axes_ip_address", None)
        )

    def get_failures(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        row = LoginLock.objects.filter(username=username).first() if username else None
        return row.failures if row else 0

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is None:
            return
        if getattr(request, "axes_locked_out", False):
            return  # refused by a lock: not a guess at the password, and it extends nothing
        username = get_client_username(request, credentials)
        at = getattr(request, "axes_attempt_time", None) or timezone.now()
        AccessFailureLog.objects.create(
            username=username,
            ip_address=request.axes_ip_address,
            user_agent=request.axes_user_agent,
            http_accept=request.axes_http_accept,
            path_info=request.axes_path_info,
            attempt_time=at,
            locked_out=False,
        )
        if username:
            self.remove_out_of_limit_failure_logs(username=username)
        lock = account_failed(username, at) if username else None
        if lock is not None:
            log.warning("login locked after repeated failures (until %s)", lock.locked_until)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            _tell_owner(lock, request.axes_ip_address)
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )
        elif address_blocked(request.axes_ip_address):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        # Only this account's count: a success must not wipe failures other accounts collected
        # from the same address (an attacker could log into their own account to reset them).
        LoginLock.objects.filter(username=user.get_username()).update(failures=0)


def lockout_response(request, original_response=None, credentials=None):
    """The lock-out page (429), saying until when."""
    username = get_client_username(request, credentials)
    context = {"locked_until": locked_until(username), "username": username or ""}
    return render(request, "registration/locked_out.html", context, status=429)
