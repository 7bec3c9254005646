"""Deputies (人大代表) and where they sit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.codes import random_code
from core.pii import mask_phone
from core.pinyin import pinyin_keys
from stations.models import Station

from .choices import DeputyLevel, Gender
from .querysets import DeputyQuerySet


def _public_code() -> str:
    return random_code(8)


class Deputy(models.Model):
    """A people's congress deputy at one of the five levels."""

    name = models.CharField(_("name"), max_length=32)
    name_pinyin = models.CharField(max_length=128, editable=False, db_index=True)
    name_initials = models.CharField(max_length=32, editable=False, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=16, default="汉族")
    level = models.CharField(_("level"), max_length=12, choices=DeputyLevel.choices)
    term = models.PositiveSmallIntegerField(_("term"), help_text=_("e.g. 14 for the 14th congress"))
    constituency = models.CharField(_("constituency"), max_length=100, blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    photo = models.ImageField(_("photo"), upload_to="deputies/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputy_profile",
        verbose_name=_("login"),
    )
    public_code = models.CharField(
        _("public code"), max_length=12, unique=True, default=_public_code, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin"]
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("deputies:detail", args=[self.pk])

    @property
    def public_url(self) -> str:
        return settings.PUBLIC_BASE_URL + reverse("deputies:public", args=[self.public_code])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class StationAssignment(models.Model):
    """A deputy grouped into a station (编组进站); one primary station at a time."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("deputy")
    )
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("station")
    )
    is_primary = models.BooleanField(_("primary station"), default=True)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "start_date"]
        verbose_name = _("station assignment")
        verbose_name_plural = _("station assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["deputy"],
                condition=models.Q(is_primary=True, end_date__isnull=True),
                name="assignment_one_current_primary",
            ),
            models.UniqueConstraint(
                fields=["deputy", "station"],
                condition=models.Q(end_date__isnull=True),
                name="assignment_one_current_per_station",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} @ {self.station}"


class DeputyTermQuerySet(models.QuerySet["DeputyTerm"]):
    def current_for(
        self, deputy: Deputy | int, level: str | None = None, *, on: dt.date | None = None
    ) -> DeputyTerm | None:
        """The term (届) of ``deputy`` at ``level`` that covers the day ``on`` (today by default);
        ``level`` defaults to the deputy's own level. None between terms or without a record."""
        on = on or timezone.localdate()
        deputy_id = deputy if isinstance(deputy, int) else deputy.pk
        if level is None:
            level = (
                deputy.level
                if isinstance(deputy, Deputy)
                else Deputy.objects.values_list("level", flat=True).get(pk=deputy_id)
            )
        return (
            self.filter(deputy_id=deputy_id, level=level, start__lte=on, end__gte=on)
            .order_by("-start")
            .first()
        )


class DeputyTerm(models.Model):
    """One term (届) a deputy serves at one level, with its real start and end dates.

    "Once per term" rules (a report-back to the electoral district at least once in the term)
    count within these dates, not within a five-year window."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="terms", verbose_name=_("deputy")
    )
    level = models.CharField(_("level"), max_length=12, choices=DeputyLevel.choices)
    number = models.PositiveSmallIntegerField(
        _("term number"), null=True, blank=True, help_text=_("e.g. 14 for the 14th congress")
    )
    start = models.DateField(_("term starts"))
    end = models.DateField(_("term ends"))

    objects = DeputyTermQuerySet.as_manager()

    class Meta:
        ordering = ["deputy", "-start"]
        verbose_name = _("deputy's term")
        verbose_name_plural = _("deputies' terms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="deputyterm_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["deputy", "level", "start"], name="deputyterm_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.get_level_display()} · {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


# The roster's models live in the deputies/roster/ package; importing them here registers them
# with the deputies app (same app label, same tables) when Django loads this app's models.
from .roster import models as roster_models  # noqa: E402,F401
