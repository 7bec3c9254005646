"""Reception rules and days, the duty roster, swaps, unavailability and calendar tokens.

They belong to the deputies app (label ``deputies``); ``deputies/models.py`` imports this module
so Django registers them with the rest of the app.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stations.models import Department, Station

from .choices import (
    ATTENDANCE_RECORDED,
    DayKind,
    DayStatus,
    DutyStatus,
    Frequency,
    HolidayPolicy,
    SwapStatus,
)
from .querysets import (
    DutyQuerySet,
    ReceptionDayQuerySet,
    ReceptionRuleQuerySet,
    SwapRequestQuerySet,
)

int_list = RegexValidator(r"^-?\d+(,-?\d+)*$", _("Enter whole numbers separated by commas."))


class ReceptionRule(models.Model):
    """A station's recurring reception (RFC 5545 recurrence) with a time window and a place."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="reception_rules", verbose_name=_("station")
    )
    title = models.CharField(_("title"), max_length=100)
    freq = models.CharField(
        _("repeats"), max_length=8, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, help_text=_("1 = every week/month, 2 = every other one, …")
    )
    # Comma-separated integers, each one an RFC 5545 BY* part.
    bymonthday = models.CharField(
        _("days of the month"), max_length=100, blank=True, validators=[int_list]
    )
    byweekday = models.CharField(
        _("weekdays"),
        max_length=20,
        blank=True,
        validators=[int_list],
        help_text=_("0 = Monday … 6 = Sunday"),
    )
    weekday_ordinals = models.CharField(
        _("which weekdays of the month"),
        max_length=20,
        blank=True,
        validators=[int_list],
        help_text=_("1 = first, 3 = third, -1 = last; empty = every such weekday"),
    )
    bymonth = models.CharField(_("months"), max_length=40, blank=True, validators=[int_list])
    dtstart = models.DateField(_("starts on"))
    until = models.DateField(_("ends on"), null=True, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    location = models.CharField(
        _("outdoor location"),
        max_length=200,
        blank=True,
        help_text=_(
            "Leave empty to receive at the station; fill in for a mobile reception (流动接待)."
        ),
    )
    holiday_policy = models.CharField(
        _("on a public holiday"),
        max_length=16,
        choices=HolidayPolicy.choices,
        default=HolidayPolicy.NEXT_WORKDAY,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReceptionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["station", "title"]
        verbose_name = _("reception rule")
        verbose_name_plural = _("reception rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="receptionrule_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.title}"

    @property
    def place(self) -> str:
        return self.location or self.station.address or self.station.name

    @property
    def summary(self) -> str:
        from ..rules import describe

        return describe(self)

    @property
    def rrule_text(self) -> str:
        from ..rules import build_rrule

        return str(build_rrule(self))


class ReceptionDay(models.Model):
    """One reception at a station: generated from a rule, or added by hand (themed, one-off)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="reception_days", verbose_name=_("station")
    )
    rule = models.ForeignKey(
        ReceptionRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="days",
        verbose_name=_("rule"),
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    topic = models.CharField(
        _("topic"), max_length=200, blank=True, help_text=_("e.g. 乡长有约, a quarterly theme")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=DayKind.choices, default=DayKind.REGULAR
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DayStatus.choices, default=DayStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReceptionDayQuerySet.as_manager()

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date", "start_time"], name="receptionday_unique_slot"
            ),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")),
                name="receptionday_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["date", "status"])]

    def __str__(self) -> str:
        return f"{self.station} {self.date} {self.start_time:%H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("roster:day_detail", args=[self.pk])


class Duty(models.Model):
    """A deputy on duty at a reception day, with the attendance recorded for it."""

    day = models.ForeignKey(
        ReceptionDay,
        on_delete=models.CASCADE,
        related_name="duties",
        verbose_name=_("reception day"),
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", on_delete=models.CASCADE, related_name="duties", verbose_name=_("deputy")
    )
    status = models.CharField(
        _("attendance"), max_length=10, choices=DutyStatus.choices, default=DutyStatus.ASSIGNED
    )
    absence_reason = models.CharField(_("reason for absence"), max_length=200, blank=True)
    replaced_by = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replaced by"),
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        ordering = ["day__date", "day__start_time", "deputy__name_pinyin"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(fields=["day", "deputy"], name="duty_unique_deputy_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.deputy}"

    @property
    def attendance_recorded(self) -> bool:
        return self.status in ATTENDANCE_RECORDED


class DayDepartment(models.Model):
    """A department joining a reception day (the seeds: two departments a month take turns)."""

    day = models.ForeignKey(
        ReceptionDay,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("reception day"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="reception_days",
        verbose_name=_("department"),
    )

    class Meta:
        verbose_name = _("participating department")
        verbose_name_plural = _("participating departments")
        constraints = [
            models.UniqueConstraint(fields=["day", "department"], name="daydepartment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.department}"


class Unavailability(models.Model):
    """A period when a deputy cannot be on duty (auto-fill leaves them out)."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="unavailabilities",
        verbose_name=_("deputy"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailabilities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="unavailability_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} {self.start}–{self.end}"


class SwapRequest(models.Model):
    """A deputy asks to swap a duty with another deputy; each step is stamped here (the log)."""

    from_duty = models.ForeignKey(
        Duty, on_delete=models.CASCADE, related_name="swaps_out", verbose_name=_("duty given")
    )
    to_duty = models.ForeignKey(
        Duty, on_delete=models.CASCADE, related_name="swaps_in", verbose_name=_("duty taken")
    )
    requester = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="swaps_requested",
        verbose_name=_("requested by"),
    )
    counterpart = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="swaps_received",
        verbose_name=_("other deputy"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SwapStatus.choices, default=SwapStatus.PENDING
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    objects = SwapRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        constraints = [
            models.UniqueConstraint(
                fields=["from_duty", "to_duty"],
                condition=models.Q(status__in=["pending", "accepted"]),
                name="swap_one_open_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} ⇄ {self.counterpart}"


def _token() -> str:
    return secrets.token_urlsafe(32)


class DeputyCalendarToken(models.Model):
    """The secret in a deputy's iCalendar subscription URL; rotating revokes the old one."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
        verbose_name=_("deputy"),
    )
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["deputy"],
                condition=models.Q(revoked_at__isnull=True),
                name="calendartoken_one_live_per_deputy",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} ({'revoked' if self.revoked_at else 'live'})"
