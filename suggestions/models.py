"""Formal suggestions (代表建议): a deputy's written suggestion to the congress, and back.

Only suggestions/services.py writes ``Suggestion.status`` (and the fields that move with it);
every change leaves a SuggestionEvent. The actions are declared once in suggestions/loop.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.codes import random_code
from deputies.models import Deputy
from petitions.choices import Escalation
from petitions.models import Category, Petition
from stations.models import Department, Region

from .choices import (
    OPEN_STATUSES,
    UNDER_DEADLINE,
    Classification,
    CosignStatus,
    Evaluation,
    EventKind,
    Level,
    Session,
    Status,
)
from .querysets import SuggestionQuerySet


class Suggestion(models.Model):
    """One formal suggestion by a lead deputy, optionally co-signed, to a standing committee."""

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # Bumped by every service write; a form posts the version it showed (see StaleObject).
    version = models.PositiveIntegerField(default=1, editable=False)

    # Drafting
    lead_deputy = models.ForeignKey(
        Deputy,
        on_delete=models.PROTECT,
        related_name="lead_suggestions",
        verbose_name=_("lead deputy"),
    )
    cosigners = models.ManyToManyField(
        Deputy,
        through="Cosignature",
        related_name="cosigned_suggestions",
        blank=True,
        verbose_name=_("co-signers"),
    )
    title = models.CharField(
        _("title"),
        max_length=120,
        help_text=_("Shown to the constituents whose opinions are linked to the suggestion."),
    )
    reasons = models.TextField(_("reasons"))
    proposals = models.TextField(_("proposals"))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="suggestions",
        verbose_name=_("category"),
    )
    session = models.CharField(_("raised"), max_length=10, choices=Session.choices)
    level = models.CharField(_("goes to"), max_length=10, choices=Level.choices)
    # The standing committee's region (the district or the city above the deputy's station).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("region")
    )
    petitions = models.ManyToManyField(
        Petition,
        blank=True,
        related_name="suggestions",
        verbose_name=_("constituents' opinions"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("drafted at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    # Registration (立案)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for not registering"), blank=True)

    # Assignment and handling (交办, 办理)
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_suggestions",
        verbose_name=_("lead department"),
    )
    assisting_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="assisting_suggestions",
        verbose_name=_("assisting departments"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    deadline = models.DateField(_("reply due by"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    round = models.PositiveSmallIntegerField(_("times handled again"), default=0)

    # The current reply and what followed it
    classification = models.CharField(
        _("classification"), max_length=1, choices=Classification.choices, blank=True
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    evaluation = models.CharField(
        _("deputy's evaluation"), max_length=12, choices=Evaluation.choices, blank=True
    )
    follow_up_date = models.DateField(_("follow-up date"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["lead_department", "status"]),
            models.Index(
                fields=["deadline"],
                name="suggestion_open_deadline_idx",
                condition=models.Q(status__in=list(UNDER_DEADLINE)),
            ),
        ]
        constraints = [
            # One 第N号 per standing committee and year.
            models.UniqueConstraint(
                fields=["region", "year", "number"],
                condition=models.Q(number__isnull=False),
                name="suggestion_unique_number",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=list(UNDER_DEADLINE))
                | models.Q(deadline__isnull=False, lead_department__isnull=False),
                name="suggestion_deadline_when_handling",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("suggestions:detail", args=[self.pk])

    @property
    def number_label(self) -> str:
        """第12号 (the registration number within its committee and year), or empty."""
        if self.number is None:
            return ""
        return _("No. %(n)d") % {"n": self.number}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Cosignature(models.Model):
    """A deputy invited to co-sign (附议/联名); counts once the deputy confirms."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="cosignatures"
    )
    deputy = models.ForeignKey(
        Deputy, on_delete=models.PROTECT, related_name="cosignatures", verbose_name=_("deputy")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CosignStatus.choices, default=CosignStatus.PENDING
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["suggestion", "deputy"], name="cosign_once")]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.deputy} ({self.status})"


class NumberCounter(models.Model):
    """The last number given by a standing committee in a year; locked while registering so
    two clerks registering at once get consecutive numbers, never the same or a gap."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="suggestion_counter_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.year}: {self.last}"


def reply_path(instance: SuggestionReply, filename: str) -> str:
    return f"suggestions/{instance.suggestion_id}/{random_code(10)}-{filename[-60:]}"


class SuggestionReply(models.Model):
    """A department's reply letter (答复函) for one round, with its classification (A/B/C)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    round = models.PositiveSmallIntegerField(default=0)
    classification = models.CharField(
        _("classification"), max_length=1, choices=Classification.choices
    )
    body = models.TextField(_("reply letter"))
    follow_up_date = models.DateField(_("planned delivery / follow-up date"), null=True, blank=True)
    letter = models.FileField(_("signed letter (PDF or image)"), upload_to=reply_path, blank=True)
    letter_name = models.CharField(max_length=200, blank=True)
    letter_type = models.CharField(max_length=100, blank=True)
    deadline = models.DateField(_("reply due by"))
    on_time = models.BooleanField(_("replied on time"))
    evaluation = models.CharField(
        _("deputy's evaluation"), max_length=12, choices=Evaluation.choices, blank=True
    )
    evaluation_comment = models.TextField(_("deputy's comment"), blank=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "created_at"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round"], name="suggestion_reply_once")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id}/{self.round}: {self.classification}"


class SuggestionEvent(models.Model):
    """One line of a suggestion's timeline: who did what, when, from which status to which."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices, default=EventKind.TRANSITION)
    action = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=32, blank=True)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["suggestion", "created_at"])]

    def __str__(self) -> str:
        return f"{self.suggestion_id}: {self.from_status} → {self.to_status}"
