"""Livelihood projects (民生实事项目): one cycle per year and region, 征 → 选 → 督 → 评.

"代表全程参与民生实事项目的征集、票选、监督、实施" (seed 000, Hangzhou); "代表点题-人大定题-
政府解题-群众评议" (seed 003, Zhoushan). Only projects/services.py writes ``Candidate.status``
and ``Cycle.stage``; every change of a candidate leaves a ProjectEvent. The candidate's actions
are declared once in projects/loop.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from petitions.models import Petition
from stations.models import Department, Region, Station

from .choices import (
    BallotAction,
    Choice,
    EventKind,
    RaterKind,
    Rating,
    Source,
    Stage,
    Status,
    VoteRule,
)
from .querysets import CandidateQuerySet, CycleQuerySet


class Cycle(models.Model):
    """The year's livelihood projects of one region's people's congress."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="project_cycles", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    call_text = models.TextField(
        _("open call"),
        blank=True,
        help_text=_("Shown on the public form where constituents propose projects."),
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.COLLECTING, editable=False
    )
    vote_rule = models.CharField(
        _("vote rule"), max_length=12, choices=VoteRule.choices, default=VoteRule.APPROVE_EACH
    )
    choose_n = models.PositiveSmallIntegerField(
        _("number to choose"),
        null=True,
        blank=True,
        help_text=_("With “choose up to N”: how many projects each deputy may choose."),
    )
    vote_opens_at = models.DateTimeField(_("vote opens"), null=True, blank=True)
    vote_closes_at = models.DateTimeField(_("vote closes"), null=True, blank=True)
    # The number of deputies of the congress when the vote opened: the threshold's base.
    electorate = models.PositiveIntegerField(_("deputies of the congress"), default=0)
    vote_administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="administered_project_votes",
        verbose_name=_("vote administrators"),
        help_text=_("Clerks who may see each deputy's ballot and record paper ballots."),
    )
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "region__code"]
        verbose_name = _("project cycle")
        verbose_name_plural = _("project cycles")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="cycle_one_per_region_year")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:cycle", args=[self.pk])

    def threshold(self) -> int:
        """Votes "for" a project needs: more than half of ALL deputies of the congress."""
        return self.electorate // 2 + 1


class Candidate(models.Model):
    """A candidate livelihood project; once chosen, the project itself."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.PROTECT, related_name="candidates", verbose_name=_("cycle")
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    title = models.CharField(
        _("title"), max_length=120, help_text=_("Public once the project is chosen.")
    )
    description = models.TextField(
        _("description"), help_text=_("Public once the project is chosen.")
    )
    estimated_cost = models.DecimalField(
        _("estimated cost (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    spent = models.DecimalField(
        _("spent (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="project_candidates", verbose_name=_("departments")
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("lead department"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    proposer_deputy = models.ForeignKey(
        Deputy, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposed_projects"
    )
    station = models.ForeignKey(
        Station, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposed_projects"
    )
    # The public proposer (internal: only staff of the cycle's region see it, masked).
    proposer_name = models.CharField(_("proposer's name"), max_length=32, blank=True)
    proposer_phone = models.CharField(_("proposer's phone"), max_length=20, blank=True)
    supporters = models.PositiveIntegerField(_("supporters"), default=0)
    petitions = models.ManyToManyField(
        Petition, blank=True, related_name="projects", verbose_name=_("linked cases")
    )
    recommendation = models.TextField(_("recommendation"), blank=True)
    reject_reason = models.TextField(_("reason for not taking it"), blank=True)
    supervisors = models.ManyToManyField(
        Deputy,
        blank=True,
        related_name="supervised_projects",
        verbose_name=_("supervising deputies"),
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_into"
    )
    votes_for = models.PositiveIntegerField(default=0, editable=False)
    votes_against = models.PositiveIntegerField(default=0, editable=False)
    votes_abstain = models.PositiveIntegerField(default=0, editable=False)
    completed_at = models.DateField(_("completed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "pk"]
        verbose_name = _("candidate project")
        verbose_name_plural = _("candidate projects")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @property
    def progress(self) -> int:
        """The latest reported percent (100 once completed)."""
        if self.status == Status.COMPLETED:
            return 100
        latest = self.reports.order_by("-created_at", "-pk").first()
        return latest.percent if latest else 0


class Ballot(models.Model):
    """One deputy's ballot in one cycle: cast once, changeable until the vote closes."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="ballots")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="project_ballots")
    on_paper = models.BooleanField(_("paper ballot"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    cast_at = models.DateTimeField(auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cycle", "deputy"], name="ballot_one_per_deputy")
        ]

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class BallotMark(models.Model):
    """The choice on one candidate of a ballot."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="marks")
    choice = models.CharField(max_length=8, choices=Choice.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="mark_one_per_candidate")
        ]

    def __str__(self) -> str:
        return f"ballotmark {self.pk}"


class BallotAudit(models.Model):
    """Every cast and change of a ballot: who, when, what (seen by the vote administrator only)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="ballot_audits")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=8, choices=BallotAction.choices)
    on_paper = models.BooleanField(default=False)
    marks = models.JSONField(default=dict)  # candidate id -> choice
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"ballotaudit {self.pk}"


class Milestone(models.Model):
    """A dated step of a chosen project."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=120)
    due_date = models.DateField(_("due by"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    escalation = models.PositiveSmallIntegerField(_("escalation"), default=0)
    overdue_since = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def on_time(self) -> bool:
        return self.done_on is not None and self.done_on <= self.due_date


class ProgressReport(models.Model):
    """The lead department's report: text (public), percent and photos."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("progress"), help_text=_("Shown on the public project page."))
    percent = models.PositiveSmallIntegerField(_("percent done"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"progressreport {self.pk}"


class ProgressPhoto(models.Model):
    """A photo of a progress report, checked and re-encoded (petitions.attachments)."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="projects/%Y/%m/")
    content_type = models.CharField(max_length=40)
    original_name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"progressphoto {self.pk}"


class Inspection(models.Model):
    """A supervising deputy's inspection (视察) and opinion (internal)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="inspections")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="project_inspections")
    visited_on = models.DateField(_("visited on"))
    opinion = models.TextField(_("opinion"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"inspection {self.pk}"


class DeputyRating(models.Model):
    """A deputy's year-end rating of a project (one per deputy)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="deputy_ratings"
    )
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="project_ratings")
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "deputy"], name="deputy_rating_once")
        ]

    def __str__(self) -> str:
        return f"deputyrating {self.pk}"


class PublicRating(models.Model):
    """A constituent's rating: one per phone (kept as a keyed hash, never the number)."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, related_name="public_ratings"
    )
    phone_hash = models.CharField(max_length=64)
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    kind = models.CharField(max_length=8, choices=RaterKind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["candidate", "phone_hash"], name="public_rating_once")
        ]

    def __str__(self) -> str:
        return f"publicrating {self.pk}"


class RatingCode(models.Model):
    """A one-time SMS code proving the phone before a constituent's rating is counted."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="rating_codes")
    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"ratingcode {self.pk}"


class ProjectEvent(models.Model):
    """One line of a project's timeline; ``public`` lines appear on the public page (no notes)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    action = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"projectevent {self.pk}"
