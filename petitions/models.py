"""Receptions and petitions (意见建议): the records the closed loop runs on.

Only petitions/services.py writes ``Petition.status`` (and the fields that move with it);
every change leaves a PetitionEvent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.codes import random_code
from deputies.models import Deputy
from stations.models import Department, Region, Station

from .choices import (
    OPEN_STATUSES,
    UNDER_DEADLINE,
    Channel,
    Escalation,
    EventKind,
    ExtensionStatus,
    FeedbackMethod,
    RaterKind,
    ReceptionKind,
    ReplyOutcome,
    Satisfaction,
    Status,
    Tier,
    Urgency,
)
from .querysets import PetitionQuerySet, ReceptionQuerySet, RoutingRuleQuerySet

TRACKING_CODE_LENGTH = 14  # 30-symbol alphabet: 14 symbols ≈ 68.7 random bits


def new_tracking_code() -> str:
    return random_code(TRACKING_CODE_LENGTH)


class Category(models.Model):
    """A managed category of opinions (urban construction, traffic, education, …)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Reception(models.Model):
    """A reception (接待活动) held at a station, during which opinions are recorded."""

    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="receptions", verbose_name=_("station")
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=ReceptionKind.choices, default=ReceptionKind.REGULAR
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    held_at = models.DateTimeField(_("held at"))
    deputies = models.ManyToManyField(
        Deputy, blank=True, related_name="receptions", verbose_name=_("deputies present")
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="receptions", verbose_name=_("departments present")
    )
    constituents_count = models.PositiveIntegerField(_("constituents received"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReceptionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at"]
        indexes = [models.Index(fields=["station", "held_at"])]
        verbose_name = _("reception")
        verbose_name_plural = _("receptions")

    def __str__(self) -> str:
        return f"{self.station} {self.held_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:reception_detail", args=[self.pk])


class Petition(models.Model):
    """One opinion or request from a constituent, tracked from intake to closure."""

    tracking_code = models.CharField(
        _("tracking code"), max_length=20, unique=True, default=new_tracking_code, editable=False
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    # Bumped by every service write; a form posts the version it showed so that of two staff
    # acting at once, the second is told the case changed instead of overwriting it.
    version = models.PositiveIntegerField(default=1, editable=False)

    # Intake
    channel = models.CharField(_("channel"), max_length=14, choices=Channel.choices)
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("station")
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("deputy"),
    )
    reception = models.ForeignKey(
        Reception,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("reception"),
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    constituent_name = models.CharField(_("constituent's name"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    id_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_last4 = models.CharField(max_length=4, blank=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    content = models.TextField(_("content"))
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        verbose_name=_("category"),
    )
    location_text = models.CharField(_("location"), max_length=200, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)

    # Acceptance and triage
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("merged into"),
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, blank=True)

    # Assignment and handling
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_petitions",
        verbose_name=_("lead department"),
    )
    assisting_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="assisting_petitions",
        verbose_name=_("assisting departments"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    # The escalation level lives in Supervision (a narrow table the sweep updates cheaply).
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    # Reply, feedback, rating
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    reply_summary = models.TextField(_("reply"), blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    feedback_method = models.CharField(
        _("feedback method"), max_length=10, choices=FeedbackMethod.choices, blank=True
    )
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_unrated = models.BooleanField(_("closed without rating"), default=False)

    objects = PetitionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            models.Index(fields=["station", "status"]),
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["lead_department", "status"]),
            # The overdue lists and the dashboards' "overdue now" read only open, assigned
            # cases; with the station in the key the count of the not-yet-due ones per station
            # is an index-only scan (at 10M cases 34k of them: 0.3 s through the heap before).
            models.Index(
                fields=["deadline", "station"],
                name="petition_open_due_idx",
                condition=models.Q(status__in=list(UNDER_DEADLINE)),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=list(UNDER_DEADLINE))
                | models.Q(deadline__isnull=False),
                name="petition_deadline_when_assigned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("petitions:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def escalation(self) -> int:
        """The supervision level reached (0 without a supervision row); lists select_related
        ``supervision`` so this costs no query per row."""
        try:
            return self.supervision.level
        except Supervision.DoesNotExist:
            return Escalation.NONE

    def get_escalation_display(self) -> str:
        return str(Escalation(self.escalation).label)

    @property
    def display_code(self) -> str:
        """ABCD-EFGH-JKLM-NP: grouped so it can be read aloud over the phone."""
        code = self.tracking_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class Supervision(models.Model):
    """A case's deadline supervision (督办): the level reached and what the sweep has done.

    Narrow on purpose: the petitions table is wide with many indexes, so no update of it is
    cheap; the every-15-minutes sweep updates only these rows. A row is kept by the loop's
    services (``petitions.supervision.follow``): ``deadline`` is the case's deadline while it is
    assigned or handling and empty afterwards, when the row only records the level reached.
    """

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="supervision"
    )
    level = models.PositiveSmallIntegerField(
        _("escalation"), choices=Escalation.choices, default=Escalation.NONE
    )
    # The deadline under supervision; NULL once the case is no longer assigned or handling.
    deadline = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # the reminder for this deadline
    escalated_on = models.DateField(null=True, blank=True)  # the day ``level`` was reached

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervision")
        indexes = [
            # The sweep's only access path: cases still under a deadline, by level and
            # deadline, so a run reads the rows that cross a threshold, not every open case.
            models.Index(
                fields=["level", "deadline"],
                name="supervision_due_idx",
                condition=models.Q(deadline__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.level} ({self.deadline})"


class PetitionEvent(models.Model):
    """One line of a petition's timeline: who did what, when, from which status to which."""

    # No index of its own: the (petition, created_at) index below serves every look-up by
    # petition, and a second one only made each event insert (the sweep writes ~100k in a
    # catch-up) pay for one more index entry (migration 0009).
    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices, default=EventKind.TRANSITION)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For actions without an account: "constituent", "system".
    actor_label = models.CharField(max_length=32, blank=True)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    # Internal: staff, deputies and departments only. Never shown on a public page.
    note = models.TextField(blank=True)
    # What the constituent reads about this step on the tracking page (the decline reason, a
    # message staff wrote *to* them, their own rating); empty for most steps.
    public_note = models.TextField(blank=True)
    # Whether the step itself appears on the constituent's timeline.
    is_public = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["petition", "created_at"])]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.from_status} → {self.to_status}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"petitions/{instance.petition_id}/{random_code(10)}-{filename[-60:]}"


class Attachment(models.Model):
    """An image or PDF attached to a petition or to a department's reply."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        "Reply", on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Reply(models.Model):
    """A department's reply (答复): the lead department's answer or an assisting opinion."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="replies")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="replies", verbose_name=_("department")
    )
    is_lead = models.BooleanField(_("lead department's reply"), default=True)
    body = models.TextField(_("reply"))
    # The lead department's own classification of its reply; blank on assisting opinions.
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReplyOutcome.choices, blank=True
    )
    round = models.PositiveSmallIntegerField(default=0, help_text="reopen_count when written")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"{self.department}: {self.body[:30]}"


class RoutingRule(models.Model):
    """Where a kind of case goes: category (and optionally a keyword) × region → the default
    lead department, assisting departments and working days to reply (kept by clerks).

    The seeds: "代表反映的问题五秒钟内上传到对应部门" — the assign form comes pre-filled from
    the most specific rule (a keyword match first, then the deepest region).
    """

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("region")
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("category")
    )
    keyword = models.CharField(
        _("keyword"),
        max_length=40,
        blank=True,
        help_text=_("Only cases whose title or content contains it (leave empty for all)."),
    )
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("lead department"),
    )
    assisting_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("assisting departments")
    )
    reply_days = models.PositiveSmallIntegerField(
        _("working days to reply"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the standard limit."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        ordering = ["region__path", "category__order", "keyword"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "category", "keyword"], name="routing_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.category}{' · ' + self.keyword if self.keyword else ''}"


class RoutingRight(models.Model):
    """A deputy allowed to hand cases straight to the routed department (the seeds:
    "代表可直接在平台将问题提交给有关部门办理"); granted by an administrator."""

    deputy = models.OneToOneField(
        Deputy, on_delete=models.CASCADE, related_name="routing_right", verbose_name=_("deputy")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("direct routing right")
        verbose_name_plural = _("direct routing rights")

    def __str__(self) -> str:
        return str(self.deputy)


class CannedReply(models.Model):
    """A reply text a department keeps for its common cases, inserted into the reply form."""

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="canned_replies",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=ReplyOutcome.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self) -> str:
        return self.title


class Rating(models.Model):
    """A satisfaction rating by the constituent or the deputy, one per rater per round."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="ratings")
    rater = models.CharField(max_length=12, choices=RaterKind.choices)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    round = models.PositiveSmallIntegerField(default=0)
    # A constituent's rating taken by staff on the phone or at a visit: who asked, and how.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(
        _("how it was asked"), max_length=12, choices=FeedbackMethod.choices, blank=True
    )
    # The day the station asked (the call or visit), which may be before it was written down.
    asked_on = models.DateField(_("asked on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "rater", "round"], name="rating_once_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.rater}: {self.satisfaction}"

    @property
    def recorded_by_staff(self) -> bool:
        return self.recorded_by_id is not None


class RatingCode(models.Model):
    """A one-time code sent by SMS to the case's registered phone, needed to rate online.

    The tracking code is printed on the receipt and sent by SMS, so holding it proves nothing;
    the rating code reaches only the phone's owner and is stored hashed.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="rating_codes")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["petition", "created_at"])]

    def __str__(self) -> str:
        return f"rating code for {self.petition_id}"


class ExtensionRequest(models.Model):
    """A department asking for more time; the station approves or refuses."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="extensions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    requested_deadline = models.DateField(_("requested deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition"],
                condition=models.Q(status="pending"),
                name="extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.requested_deadline}"


class CaptchaUse(models.Model):
    """A captcha challenge already answered: the unique key makes "one answer, one use" atomic.

    The challenge lives in the session, and parallel requests on one session each load their
    own copy of it; only the first INSERT of its nonce succeeds (issue 9: 20 parallel posts of
    one solved answer saved 3 cases). Rows older than the captcha's lifetime are deleted.
    """

    nonce = models.CharField(max_length=32, primary_key=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.nonce
