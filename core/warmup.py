"""Work each web worker does once at start, before it accepts a request.

Without it the first request a gunicorn worker serves imports every view module (the URLconf),
reads both translation catalogues and compiles the base templates: about a second of CPU that
one unlucky user waits for after every start, restart and deployment (18 s measured on a loaded
2-core box). The WSGI entry points call ``warm_up()`` after building the application.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

# The layouts every page extends; the page's own template is compiled on its first request.
LAYOUTS = ("base.html", "public_base.html", "error_base.html")


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view module)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Log in")  # loads the catalogue of that language
    for name in LAYOUTS:
        get_template(name)
