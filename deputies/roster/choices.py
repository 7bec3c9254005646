"""Choices for reception rules, reception days, duties and swaps."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Frequency(models.TextChoices):
    MONTHLY = "MONTHLY", _("Monthly")
    WEEKLY = "WEEKLY", _("Weekly")


class HolidayPolicy(models.TextChoices):
    SKIP = "skip", _("Skip the day")
    NEXT_WORKDAY = "next_workday", _("Move to the next working day")
    KEEP = "keep", _("Keep the day")


class DayKind(models.TextChoices):
    REGULAR = "regular", _("Regular reception")
    THEMED = "themed", _("Themed reception")
    DEPARTMENT = "department", _("Department visit")
    ONE_OFF = "one_off", _("One-off meeting")


class DayStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class DutyStatus(models.TextChoices):
    ASSIGNED = "assigned", _("On duty")
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    REPLACED = "replaced", _("Replaced")


# Statuses that mean attendance has been recorded for a duty.
ATTENDANCE_RECORDED = (
    DutyStatus.PRESENT,
    DutyStatus.LATE,
    DutyStatus.ABSENT,
    DutyStatus.REPLACED,
)


class SwapStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the other deputy")
    ACCEPTED = "accepted", _("Waiting for station confirmation")
    DECLINED = "declined", pgettext_lazy("swap request", "Declined")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected by the station")
    CANCELLED = "cancelled", _("Withdrawn")
