from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class DeputyLevel(models.TextChoices):
    """The five levels (五级) at which deputies are elected."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("County / district")
    TOWNSHIP = "township", _("Township / street")
