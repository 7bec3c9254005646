"""Integrations: outside systems that read and write through the JSON API.

An integration acts through a service account: an inactive user (it can never sign in) holding
one clerk scope on the integration's region. Every API queryset is then the page's own
``visible_to(user)``, so a key for one district sees exactly what a clerk of that district sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import roles_of
from stations.models import Region
from stations.paths import region_paths_q


class Access(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class IntegrationQuerySet(models.QuerySet["Integration"]):
    def visible_to(self, user) -> IntegrationQuerySet:
        """Administrators see every integration, clerks those of regions in their area."""
        roles = roles_of(user)
        if roles.is_admin:
            return self.all()
        if not roles.is_clerk:
            return self.none()
        return self.filter(region_paths_q(roles.clerk_region_paths, "region__path"))

    def usable(self) -> IntegrationQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Integration(models.Model):
    """An outside system with an API key, scoped to a region subtree and to read or read-write."""

    name = models.CharField(_("name"), max_length=80)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="integrations", verbose_name=_("region")
    )
    access = models.CharField(
        _("access"), max_length=12, choices=Access.choices, default=Access.READ
    )
    can_see_pii = models.BooleanField(
        _("may see phone and ID numbers"),
        default=False,
        help_text=_("Without this right, phones and ID numbers are masked in every answer."),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The key is "lk_<prefix>_<secret>"; the prefix finds the row, the SHA-256 of the whole key
    # proves it. The key itself is shown once, when it is created, and never stored.
    key_prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="integration",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = IntegrationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self) -> str:
        return self.name

    @property
    def can_write(self) -> bool:
        return self.access == Access.READ_WRITE

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class WebhookEvent(models.TextChoices):
    CASE_CREATED = "case.created", _("Case created")
    STATUS_CHANGED = "case.status_changed", _("Status changed")
    REPLIED = "case.replied", _("Replied")
    RATED = "case.rated", _("Rated")
    OVERDUE = "case.overdue", _("Overdue")


class Subscription(models.Model):
    """An integration's webhook: the URL, the shared secret it signs with, the events it wants."""

    integration = models.ForeignKey(
        Integration,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("integration"),
    )
    url = models.URLField(_("URL"), max_length=300)
    secret = models.CharField(_("secret"), max_length=100)
    events = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return f"{self.integration} → {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class Delivery(models.Model):
    """One webhook call to make: an outbox row, written from a timeline step of a case.

    ``uid`` is the idempotency key the receiver sees (``X-Liaison-Delivery``); a re-sent
    delivery keeps it, so the receiver can drop a duplicate. Deliveries of one case go out in
    the order of ``occurred_at``.
    """

    uid = models.UUIDField(unique=True, editable=False)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=24, choices=WebhookEvent.choices)
    source_event = models.ForeignKey(
        "petitions.PetitionEvent", on_delete=models.CASCADE, related_name="+"
    )
    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    occurred_at = models.DateTimeField()
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "source_event", "event"], name="delivery_once_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} #{self.petition_id} → {self.subscription_id}"


class Watermark(models.Model):
    """How far the webhook collector has read the timeline (the last PetitionEvent id)."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"


class Adapter(models.TextChoices):
    GENERIC_JSON = "generic_json", _("Generic JSON")
    OPEN311 = "open311", _("Open311 GeoReport v2")


class ExternalPlatform(models.Model):
    """An outside handling system (基层治理四平台) that takes forwarded cases as a department.

    It has its own ``Department`` (staff assign to it as to any bureau, so deadlines, reminders
    and escalation run here) and a service account holding that department's handler post: the
    platform's answers (accepted, replied, returned) go through the same loop services and
    rights as a department handler's pages.
    """

    name = models.CharField(_("name"), max_length=80)
    adapter = models.CharField(
        _("adapter"), max_length=16, choices=Adapter.choices, default=Adapter.GENERIC_JSON
    )
    url = models.URLField(_("URL"), max_length=300)
    secret = models.CharField(
        _("secret"), max_length=100, help_text=_("Signs our calls and checks the platform's.")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    department = models.OneToOneField(
        "stations.Department",
        on_delete=models.PROTECT,
        related_name="external_platform",
        null=True,
        editable=False,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="external_platform",
        null=True,
        editable=False,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("external platform")
        verbose_name_plural = _("external platforms")

    def __str__(self) -> str:
        return self.name


class ForwardState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted by the platform")
    REPLIED = "replied", _("Replied by the platform")
    RETURNED = "returned", _("Returned by the platform")


class Forwarding(models.Model):
    """A case forwarded to an external platform, with the platform's id for it."""

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="forwardings"
    )
    platform = models.ForeignKey(
        ExternalPlatform, on_delete=models.PROTECT, related_name="forwardings"
    )
    external_id = models.CharField(_("external id"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=ForwardState.choices, default=ForwardState.SENT
    )
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "external_id"], name="forwarding_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.platform} #{self.external_id}"

    @property
    def is_open(self) -> bool:
        return self.state in (ForwardState.SENT, ForwardState.ACCEPTED)
