"""Ledger export jobs, published progress notices and deputies' hand-recorded activities.

They belong to the reports app (label ``reports``); ``reports/models.py`` imports them so Django
registers them with the rest of the app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from stations.models import Station

from .choices import ActivityKind, JobStatus, LedgerKind

__all__ = ["DeputyActivity", "ExportJob", "ProgressNotice"]


class ExportJob(models.Model):
    """A large ledger export written by a Celery task; only its owner may download the file."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("ledger"), max_length=12, choices=LedgerKind.choices)
    # Ids and ISO dates only, plus the language the headers are written in.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    # Relative to MEDIA_ROOT, always under exports/.
    file_path = models.CharField(max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "created_at"])]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("ledgers:export_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class ProgressNotice(models.Model):
    """A station's published progress notice (进度公示) for one period: a frozen, PII-free list."""

    station = models.ForeignKey(
        Station,
        on_delete=models.CASCADE,
        related_name="progress_notices",
        verbose_name=_("station"),
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    # [{"title", "category", "accepted_on", "status", "reply", "replied_on", "closed_on", ...}]
    items = models.JSONField(_("items"), default=list, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "station__name"]
        verbose_name = _("progress notice")
        verbose_name_plural = _("progress notices")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "period_start"], name="progressnotice_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} {self.period_start}–{self.period_end}"

    @property
    def public_url(self) -> str:
        return settings.PUBLIC_BASE_URL + reverse(
            "ledgers:notice_public", args=[self.station.public_code, self.pk]
        )


class DeputyActivity(models.Model):
    """An activity staff record by hand for a deputy: training, inspection, research, report-back."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="activities", verbose_name=_("deputy")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["deputy", "date"])]
        verbose_name = _("deputy activity")
        verbose_name_plural = _("deputy activities")

    def __str__(self) -> str:
        return f"{self.deputy} {self.date} {self.title}"
