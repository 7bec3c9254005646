import ipaddress
import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from .input import has_bad_characters


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


class BadInputMiddleware:
    """Answer 400 with the product's own page for bytes no view can handle.

    A NUL byte reached PostgreSQL from a path (``/p/s/%00/``) or a parameter
    (``idempotency_key=%00``) and answered 500 before any check ran. Paths and query strings
    that are not UTF-8, and NUL or lone surrogates in any parameter, key or file name, stop
    here. Cookies carrying them are dropped (a session cookie would reach the database too).
    Placed before the session middleware, so the page renders without a session or a user.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        for name in [n for n, v in request.COOKIES.items() if has_bad_characters(n + v)]:
            del request.COOKIES[name]
        if self._is_bad(request):
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _is_bad(request) -> bool:
        raw_path = request.META.get("PATH_INFO", "").encode("latin-1", "replace")
        raw_query = request.META.get("QUERY_STRING", "")
        for raw in (raw_path, raw_query.encode("latin-1", "replace")):
            try:
                decoded = unquote_to_bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                return True
            if has_bad_characters(decoded):
                return True
        if has_bad_characters(request.path_info):
            return True
        try:
            params = [request.GET]
            if request.method == "POST":
                params.append(request.POST)
                names = [f.name or "" for files in request.FILES.lists() for f in files[1]]
                if any(has_bad_characters(n) for n in names):
                    return True
        except UnicodeDecodeError:
            return True
        return any(
            has_bad_characters(key) or any(has_bad_characters(v) for v in values)
            for query in params
            for key, values in query.lists()
        )


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


def bad_request(request) -> HttpResponse:
    """The product's 400 page, in the language of the visitor's language cookie."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("core/bad_request.html", {"LANGUAGE_CODE": language})
    return HttpResponseBadRequest(html)


def _networks(entries) -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in entries]


def _in(address: str, networks) -> bool:
    return _is_ip(address) and any(ipaddress.ip_address(address) in n for n in networks)


def _is_ip(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


class TrustedProxyMiddleware:
    """Honour X-Forwarded-Proto/-For only from the proxies in ``TRUSTED_PROXIES``.

    Django's ``SECURE_PROXY_SSL_HEADER`` believes the header from anyone, and the README's
    gunicorn listened on 0.0.0.0, so any client could claim HTTPS. Here a request from a
    trusted proxy gets its scheme from X-Forwarded-Proto and its REMOTE_ADDR from the right-most
    X-Forwarded-For address that is not itself a proxy (what rate limits and login throttling
    key on); from anyone else, the forwarding headers are removed. Goes first in MIDDLEWARE so
    the HTTPS redirect already sees the real scheme.
    """

    HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_HOST")

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.proxies = _networks(settings.TRUSTED_PROXIES)

    def __call__(self, request):
        meta = request.META
        if _in(meta.get("REMOTE_ADDR", ""), self.proxies):
            proto = meta.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
            if proto in ("http", "https"):
                meta["wsgi.url_scheme"] = proto
            chain = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            chain = [a for a in chain if a]
            client = next((a for a in reversed(chain) if not _in(a, self.proxies)), None)
            if client is not None and _is_ip(client):
                meta["REMOTE_ADDR"] = client
        else:
            for header in self.HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
