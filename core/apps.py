from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 (registers the calendar check)
        from .middleware import SessionTimeoutMiddleware

        user_logged_in.connect(
            SessionTimeoutMiddleware.stamp_login, dispatch_uid="core.login_clock"
        )
