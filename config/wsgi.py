import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from core.warmup import warm_up  # noqa: E402  (needs the apps loaded above)

# Before the worker accepts a request, not in its first user's request.
warm_up()
