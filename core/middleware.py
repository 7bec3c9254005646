import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class DefaultLanguageLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the header switch.

    The client wants a Chinese interface by default, and many office PCs run English-language
    browsers, so the browser's Accept-Language header is deliberately ignored: only the
    language cookie set by the switch (or an /en/-style choice) changes it.
    """

    def process_request(self, request) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class SessionTimeoutMiddleware:
    """Signs a login out after ``SESSION_IDLE_TIMEOUT`` without a request, and in any case
    ``SESSION_ABSOLUTE_TIMEOUT`` after it signed in.

    Django's own expiry slides with every change to the session, so a shared office PC left
    logged in would stay logged in for good; both clocks are kept in the session here. The
    last-seen time is written at most once a minute, not on every request.
    """

    STARTED, SEEN = "_auth_started_at", "_auth_seen_at"

    @classmethod
    def stamp_login(cls, sender, request, user, **kwargs) -> None:
        """``user_logged_in`` receiver: both clocks start at sign-in (no write on the next page)."""
        if hasattr(request, "session"):
            request.session[cls.STARTED] = request.session[cls.SEEN] = int(time.time())

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(self.STARTED, now)
            seen = session.get(self.SEEN, now)
            if (
                now - seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.info(
                    request, _("You were signed out to protect the data; please sign in again.")
                )
            elif now - seen >= 60:
                session[self.SEEN] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every page the app renders, unless it says otherwise.

    Logged-in pages and the public receipt, tracking and rating pages show personal data; a
    shared PC's browser or a proxy must not keep a copy. Static files are answered by WhiteNoise
    before this runs and keep their long cache headers.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The user is looked at only when the view set its own header (the 503 page of a
        # database outage has none, so it never queries the database here).
        user = getattr(request, "user", None)
        if "Cache-Control" not in response or (user is not None and user.is_authenticated):
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
        return response
