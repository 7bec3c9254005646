from django.middleware.locale import LocaleMiddleware


class DefaultLanguageLocaleMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the header switch.

    The client wants a Chinese interface by default, and many office PCs run English-language
    browsers, so the browser's Accept-Language header is deliberately ignored: only the
    language cookie set by the switch (or an /en/-style choice) changes it.
    """

    def process_request(self, request) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
