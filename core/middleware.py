import ipaddress
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

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
