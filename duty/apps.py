from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "duty"
    verbose_name = _("The whole duty (八个一)")
