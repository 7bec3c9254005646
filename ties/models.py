"""Deputies' standing ties with constituents: pairing (结对), contacts, grids (网格),
report-back sessions (述职) and appointments (约访)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.pii import mask_phone
from deputies.models import Deputy
from petitions.models import Petition
from stations.models import Region, Station

from .choices import ContactKind
from .querysets import CommitteeLinkQuerySet, GridQuerySet, PairQuerySet


class ConstituentPair(models.Model):
    """A constituent a deputy is paired with (结对): "为20名区人大代表结对选民120名" (seed 001).

    The phone is personal data: shown masked, in full only through a recorded "show"
    (core.reveal). The name is published on the station page (五公开: 结对名单) — the consent
    recorded here covers that."""

    deputy = models.ForeignKey(
        Deputy, on_delete=models.CASCADE, related_name="pairs", verbose_name=_("deputy")
    )
    name = models.CharField(_("name"), max_length=32)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    consent_on = models.DateField(
        _("consent given on"),
        help_text=_("The day the constituent agreed to be paired and listed by name."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        ordering = ["deputy", "name"]
        verbose_name = _("paired constituent")
        verbose_name_plural = _("paired constituents")

    def __str__(self) -> str:
        return f"{self.deputy} · {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("ties:pair_detail", args=[self.pk])

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Contact(models.Model):
    """A deputy's contact with a paired constituent (visit, phone, WeChat).

    ``note`` is internal (the deputy and station staff); ``opinion`` is what the constituent
    raised, which becomes a case in one click (``petition``)."""

    pair = models.ForeignKey(
        ConstituentPair,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("paired constituent"),
    )
    kind = models.CharField(_("how"), max_length=10, choices=ContactKind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note (internal)"), blank=True)
    opinion = models.TextField(
        _("opinion raised"),
        blank=True,
        help_text=_("What the constituent asked for; it can be recorded as a case."),
    )
    petition = models.OneToOneField(
        Petition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pair_contact",
        verbose_name=_("case"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.pair} {self.on:%Y-%m-%d}"


class CommitteeLink(models.Model):
    """A standing-committee member paired with a grassroots deputy: "1名常委会组成人员结对联系
    5至8名基层代表" (seed 004). The 5–8 rule is checked by services.committee_pairing_set."""

    member = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="committee_links",
        verbose_name=_("standing-committee member"),
    )
    deputy = models.ForeignKey(
        Deputy,
        on_delete=models.CASCADE,
        related_name="committee_contacts",
        verbose_name=_("grassroots deputy"),
    )

    objects = CommitteeLinkQuerySet.as_manager()

    class Meta:
        ordering = ["member", "deputy"]
        verbose_name = _("committee member's pairing")
        verbose_name_plural = _("committee members' pairings")
        constraints = [
            models.UniqueConstraint(fields=["member", "deputy"], name="committeelink_unique"),
            models.CheckConstraint(
                condition=~models.Q(member=models.F("deputy")), name="committeelink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.deputy}"


class Grid(models.Model):
    """A grid (网格) under a community, the smallest unit of grassroots work, with its grid
    worker serving as a part-time liaison of the station: "每名驻站代表固定联系1至2个网格",
    "22名基层网格员和15名社区志愿者担任站点兼职联络员" (seed 004)."""

    name = models.CharField(_("name"), max_length=64)
    community = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grids", verbose_name=_("community")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="grids", verbose_name=_("station")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids",
        verbose_name=_("grid worker"),
    )
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    deputies = models.ManyToManyField(
        Deputy, through="DeputyGrid", related_name="grids", verbose_name=_("deputies")
    )

    objects = GridQuerySet.as_manager()

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="grid_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.community.name} · {self.name}"


class DeputyGrid(models.Model):
    """A station deputy's fixed link with a grid (1 or 2 each, services.deputy_grids_set)."""

    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="grid_links")
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="deputy_links")

    class Meta:
        verbose_name = _("deputy's grid")
        verbose_name_plural = _("deputies' grids")
        constraints = [models.UniqueConstraint(fields=["deputy", "grid"], name="deputygrid_unique")]

    def __str__(self) -> str:
        return f"{self.deputy_id} → {self.grid_id}"
