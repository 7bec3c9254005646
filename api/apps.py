from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Integrations and API")

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401  (OpenAPI extension; the webhook nudge)
