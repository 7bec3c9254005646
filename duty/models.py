"""The duty app's rows: county quota rules, deputies' self-reported activities with their
evidence, points schemes, and what a station publishes and is assessed on (五公开, 六有)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from stations.models import Region, Station

from .choices import ActivityKind, ActivityStatus, ItemCode
from .querysets import ActivityQuerySet, RegionRuleQuerySet


class QuotaRule(models.Model):
    """A region's quantity for one "八个一" item (量化标准); deeper regions override higher ones.

    "县(市)区制定代表开展活动的量化标准" (seed 002): a county or district sets the numbers; a
    province row is the default for every county that sets none.
    """

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="quota_rules", verbose_name=_("region")
    )
    item = models.CharField(_("item"), max_length=16, choices=ItemCode.choices)
    quantity = models.PositiveSmallIntegerField(
        _("quantity per period"), help_text=_("How many are due in each month or year.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RegionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "item"]
        verbose_name = _("quota rule")
        verbose_name_plural = _("quota rules")
        constraints = [
            models.UniqueConstraint(fields=["region", "item"], name="quotarule_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_item_display()} · {self.quantity}"


class Activity(models.Model):
    """An activity a deputy reports themselves; it counts once the station approves it."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="duty_activities", verbose_name=_("deputy")
    )
    # The station that approves: the deputy's primary station when the activity was filed.
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="duty_activities", verbose_name=_("station")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    # Internal: read by the deputy, the station's staff and the clerks; a story's text reaches
    # the public page only when the deputy asked for it and the station published it.
    body = models.TextField(_("description"), blank=True)
    wants_publication = models.BooleanField(
        _("publish on the station's public page as “代表风采”"), default=False
    )
    is_published = models.BooleanField(_("published"), default=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActivityStatus.choices,
        default=ActivityStatus.SUBMITTED,
    )
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    # HOOK(projects): the projects app links the livelihood project a deputy took on here
    # (its id or code); until then a "project" activity is a plain self-reported record.
    project_ref = models.CharField(_("project reference"), max_length=40, blank=True)
    # HOOK(ties): the ties app's report-back session this record stands for (its id), once
    # sessions are recorded there; until then a report-back is self-reported.
    report_back_ref = models.CharField(_("report-back session"), max_length=40, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["deputy", "status", "date"]),
            models.Index(fields=["station", "status"]),
        ]
        verbose_name = _("self-reported activity")
        verbose_name_plural = _("self-reported activities")

    def __str__(self) -> str:
        return f"{self.deputy} {self.date} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("duty:activity", args=[self.pk])


def evidence_path(instance: ActivityFile, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"duty/{instance.activity_id}/{uuid.uuid4().hex}.{ext}"


class ActivityFile(models.Model):
    """A photo or PDF attached to a self-reported activity as evidence."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=evidence_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class PointsScheme(models.Model):
    """A region's optional points scheme (履职积分): each "八个一" item counts for a weight.

    Deputies of the region and below are scored by the nearest active scheme up the region
    tree — for a year, the region's scheme active for that year, else its scheme active for
    every year (``year`` empty); a region without one (and nothing above) scores nobody. A
    region may keep drafts (inactive) and one active scheme per year.
    """

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="points_schemes", verbose_name=_("region")
    )
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        help_text=_("Empty: every year without a scheme of its own."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = RegionRuleQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "-year", "name"]
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=models.Q(is_active=True, year__isnull=False),
                name="pointsscheme_one_active_per_year",
            ),
            models.UniqueConstraint(
                fields=["region"],
                condition=models.Q(is_active=True, year__isnull=True),
                name="pointsscheme_one_active_every_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("duty:scheme", args=[self.pk])


class PointsRow(models.Model):
    """One row of a scheme: points per counted item, up to a cap of counted items a year."""

    scheme = models.ForeignKey(
        PointsScheme, on_delete=models.CASCADE, related_name="rows", verbose_name=_("scheme")
    )
    item = models.CharField(_("item"), max_length=16, choices=ItemCode.choices)
    weight = models.DecimalField(_("points each"), max_digits=5, decimal_places=1)
    cap = models.PositiveSmallIntegerField(
        _("counted at most"),
        null=True,
        blank=True,
        help_text=_("How many of the item count in a year (empty: all)."),
    )

    class Meta:
        ordering = ["scheme", "item"]
        verbose_name = _("points row")
        verbose_name_plural = _("points rows")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "item"], name="pointsrow_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.get_item_display()} × {self.weight}"


class StationRule(models.Model):
    """One of a station's written rules (工作制度, "五公开"): shown on its public page."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="open_rules", verbose_name=_("station")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Public: published on the station's public page and its poster as typed.
    text = models.CharField(_("rule (public)"), max_length=200)

    class Meta:
        ordering = ["station", "order", "pk"]
        verbose_name = _("station rule")
        verbose_name_plural = _("station rules")

    def __str__(self) -> str:
        return self.text


class PlanItem(models.Model):
    """An item of a station's annual activity plan (年度计划), with its completion."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="plan_items", verbose_name=_("station")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    date = models.DateField(_("planned for"))
    # Public: the plan's item as the public page shows it.
    title = models.CharField(_("activity (public)"), max_length=200)
    # Internal: for the station's staff and the clerks only.
    note = models.CharField(_("internal note"), max_length=300, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["station", "date", "pk"]
        indexes = [models.Index(fields=["station", "year"])]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return f"{self.date} {self.title}"


class StationAssessment(models.Model):
    """A clerk's yearly assessment of a station: 六有 with evidence, staff against the standard,
    activity figures and satisfaction, scored out of 100 (``assessment.py`` says how)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("station")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    floor_area = models.DecimalField(
        _("floor area measured (m²)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    # Internal: the clerk's notes on the evidence.
    note = models.TextField(_("assessor's notes (internal)"), blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, default=0)
    # {"part": points, …} as computed when the assessment was saved.
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)
    # Public once ``award_published``: e.g. "最美人大代表联络站" (seed 000).
    award = models.CharField(_("award (public)"), max_length=100, blank=True)
    award_published = models.BooleanField(_("publish the award"), default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now=True)

    class Meta:
        ordering = ["-year", "-score"]
        verbose_name = _("station assessment")
        verbose_name_plural = _("station assessments")
        constraints = [
            models.UniqueConstraint(fields=["station", "year"], name="assessment_one_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.year}"


def assessment_photo_path(instance: AssessmentPhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"duty/assessments/{instance.assessment_id}/{uuid.uuid4().hex}.{ext}"


class AssessmentPhoto(models.Model):
    """Evidence for an assessment (signage, the room, the rules on the wall); internal."""

    assessment = models.ForeignKey(
        StationAssessment, on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=assessment_photo_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
