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
