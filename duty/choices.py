"""Choices of the duty app: the periods of the "八个一" items and self-reported activities."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    MONTH = "month", _("each month")
    YEAR = "year", _("each year")


class ActivityKind(models.TextChoices):
    """What a deputy may report themselves; each kind counts towards one "八个一" item."""

    STATION = "station", _("Station activity (进站活动)")
    INSPECTION = "inspection", _("Inspection (视察)")
    RESEARCH = "research", _("Research (调研)")
    TRAINING = "training", _("Training (学习培训)")
    DIARY = "diary", _("Diary of constituents' concerns (民情日志)")
    PROJECT = "project", _("Livelihood project taken on (民生实事)")
    STORY = "story", _("Duty story (履职故事)")
    REPORT_BACK = "report_back", _("Report-back (述职交流)")


class ActivityStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for the station")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ItemCode(models.TextChoices):
    """The codes of the "八个一" items; everything else about an item is in ``items.ITEMS``."""

    RECEPTION = "reception", _("Receive constituents")
    OPINION = "opinion", _("Report public opinion")
    STATION = "station", _("Take part in a station activity")
    TRAINING = "training", _("Attend training")
    DIARY = "diary", _("Keep a diary of constituents' concerns")
    PROJECT = "project", _("Take on a livelihood project")
    STORY = "story", _("Write a duty story")
    REPORT_BACK = "report_back", _("Report back to constituents")
