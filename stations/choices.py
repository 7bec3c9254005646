from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Township / street")
    COMMUNITY = "community", _("Community / village")


class StationKind(models.TextChoices):
    HOME = "home", _("Deputy home / station")
    ROOM = "room", _("Liaison room")
    POINT = "point", _("Liaison point")
    ONLINE = "online", _("Online station")


class StaffPostKind(models.TextChoices):
    HEAD = "head", _("Station head")
    DEPUTY_HEAD = "deputy_head", _("Deputy head")
    LIAISON = "liaison", _("Liaison officer")
    # A part-time liaison (兼职联络员): records receptions and opinions only (core.roles).
    GRID_WORKER = "grid_worker", _("Grid worker (part-time liaison)")
