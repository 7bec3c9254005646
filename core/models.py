"""Shared base models: the user, the holiday calendar and the notification outbox."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Roles, roles_of


class User(AbstractUser):
    """A login. What it may do comes from role rows in the domain apps (see core.roles)."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # One email (or SMS) a day listing the day's notifications instead of one per event.
    daily_digest = models.BooleanField(_("daily digest"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def roles(self) -> Roles:
        return roles_of(self)


class Holiday(models.Model):
    """One day that breaks the Monday–Friday rule: a public holiday, or a make-up working day."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=64, blank=True)
    is_workday = models.BooleanField(
        _("make-up working day"),
        default=False,
        help_text=_("Ticked for a weekend day that is worked (调休); unticked for a day off."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinese-calendar package")
    ENTERED = "entered", _("Entered or uploaded table")


class CalendarYear(models.Model):
    """A year whose State Council holiday notice is in the holiday table.

    Dates in a year without a row are counted Monday–Friday and shown as provisional (暂定).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=10, choices=CalendarSource.choices)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("loaded by"),
    )
    summary = models.CharField(_("what was recomputed"), max_length=300, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday calendar year")
        verbose_name_plural = _("holiday calendar years")

    def __str__(self) -> str:
        return str(self.year)


class Notification(models.Model):
    """An in-app message shown to one user in the bell menu."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class NotificationKind(models.TextChoices):
    """What a message is about; each user chooses per kind how to be told (preferences)."""

    CASES = "cases", _("Cases and suggestions (new, assigned, replied, …)")
    DEADLINES = "deadlines", _("Deadline reminders and escalations")
    ROSTER = "roster", _("Duty roster (reminders, swaps, moved days)")
    SYSTEM = "system", _("System and reports")
    SECURITY = "security", _("Account security")


# How a kind is told when the user has chosen nothing: in-app and email, no SMS (as before
# preferences existed). Security notices always reach the bell, whatever is chosen.
DEFAULT_CHANNELS = {"in_app": True, "email": True, "sms": False}
ALWAYS_IN_APP = frozenset({NotificationKind.SECURITY})


class NotificationPreference(models.Model):
    """How one user wants to be told about one kind of message."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("in-app"), default=True)
    email = models.BooleanField(_("email"), default=True)
    sms = models.BooleanField(_("SMS"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # An email or SMS for a user who chose the daily digest: sent within the next digest.
    HELD = "held", _("Held for the daily digest")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(models.Model):
    """A message to deliver, written in the same transaction as the change that caused it.

    ``dedupe_key`` is unique, so a sweep that runs twice cannot queue the same reminder twice.
    Delivery claims the row first (pending → sending, one UPDATE), so two workers, or a task
    redelivered by the broker, never send the same message twice.
    """

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set when a worker claims the row (pending → sending); a claim older than
    # core.tasks.CLAIM_STALE_AFTER belongs to a worker that died and is taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_pending_idx",
                condition=models.Q(status="pending"),
            )
        ]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")

    def __str__(self) -> str:
        return f"{self.channel}: {self.subject}"


class LoginLock(models.Model):
    """The failed-login state of one account, whichever addresses the tries came from.

    ``failures`` counts toward the next lock; each lock doubles the cool-down of the previous
    one within a day (``lockouts``). Tries refused by a lock are not counted, so a lock ends
    when its time is up, however often someone knocks during it (see core.auth)."""

    username = models.CharField(_("login"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("failed logins since the last lock"), default=0)
    lockouts = models.PositiveIntegerField(_("locks within a day"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failed login"), null=True, blank=True)

    class Meta:
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")

    def __str__(self) -> str:
        return self.username


class RevealReason(models.TextChoices):
    CALL_BACK = "call_back", _("To call the person back")
    VISIT = "visit", _("To visit the person")
    HANDLING = "handling", _("Needed to handle the case")
    CORRECTION = "correction", _("To check or correct the record")
    # Written by an export that puts full numbers in a file (one row per person), never asked.
    EXPORT = "export", _("Exported in full (Excel)")


# The reasons a user chooses from when pressing "show" (an export is not one of them).
ASKED_REVEAL_REASONS = [c for c in RevealReason.choices if c[0] != RevealReason.EXPORT]


class PersonalDataReveal(models.Model):
    """One full phone number (or other masked field) shown to one user: who, whose, when, why.

    Personal data is masked for every role by default; a role allowed to see it presses
    "show" and gives a reason, and this row is the audit trail of that one look.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    field = models.CharField(max_length=32)
    reason = models.CharField(_("reason"), max_length=16, choices=RevealReason.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} saw {self.field} of {self.subject_type_id}:{self.subject_id}"


class ChangeAction(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")


class ChangeRecord(models.Model):
    """One change a clerk made to a setting (quota rules, points schemes, grids, electoral
    districts, terms): who, when, what, from and to. Written by the owning app's service in
    the same transaction as the change (core.changes.record_change); the page of the
    ``subject`` shows the last one.

    ``changes`` holds ``[{"field": msgid, "old": value, "new": value}]``: field labels are
    stored untranslated and translated when shown, so each reader sees their own language."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    subject_id = models.PositiveBigIntegerField()
    # What about the subject changed, e.g. "duty.quota" for a region's quota rules.
    topic = models.CharField(max_length=32)
    action = models.CharField(max_length=8, choices=ChangeAction.choices)
    summary = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "topic", "-created_at"],
                name="changerecord_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.action} {self.subject_type_id}:{self.subject_id}"
