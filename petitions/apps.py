from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Category
        from .selectors import forget_categories

        for signal in (post_save, post_delete):
            signal.connect(forget_categories, sender=Category, dispatch_uid=f"categories-{signal}")
