"""The registry below the deputies: regions, stations, departments and who works where."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.codes import random_code
from core.pinyin import pinyin_keys

from .choices import RegionLevel, StaffPostKind, StationKind
from .querysets import DepartmentQuerySet, RegionQuerySet, StationQuerySet

# The "六有" items read "has a fixed site", "has staff", …: a context keeps their translations
# apart from the same English words used elsewhere (the "Staff" heading, the "Ledgers" menu).
SIX_HAVES = (
    ("has_site", pgettext_lazy("six haves", "Fixed site")),
    ("has_staff", pgettext_lazy("six haves", "Staff")),
    ("has_rules", pgettext_lazy("six haves", "Written rules")),
    ("has_plan", pgettext_lazy("six haves", "Activity plan")),
    ("has_ledgers", pgettext_lazy("six haves", "Ledgers")),
    ("has_funding", pgettext_lazy("six haves", "Funding")),
)


class PinyinNamed(models.Model):
    """A name with its pinyin keys, for type-ahead fields (``core.pinyin``).

    ``save()`` fills the keys; bulk inserts call ``fill_pinyin`` on each row first.
    """

    name_pinyin = models.CharField(max_length=400, editable=False, blank=True, default="")
    name_initials = models.CharField(max_length=100, editable=False, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.fill_pinyin()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def fill_pinyin(self):
        self.name_pinyin, self.name_initials = pinyin_keys(getattr(self, "name", ""))
        return self


class Region(PinyinNamed):
    """An administrative area; ``path`` holds the codes from the root so a subtree is one prefix."""

    name = models.CharField(_("name"), max_length=64)
    code = models.CharField(_("administrative code"), max_length=12, unique=True)
    level = models.CharField(_("level"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent region"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.path = (self.parent.path if self.parent else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    _ancestors: list[Region]

    def ancestors(self) -> list[Region]:
        """From the root down to this region (one query, remembered on the object)."""
        cached = self.__dict__.get("_ancestors")
        if cached is not None:
            return cached
        codes = [c for c in self.path.split("/") if c]
        by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
        self._ancestors = [by_code[c] for c in codes if c in by_code]
        return self._ancestors

    @classmethod
    def with_ancestors(cls, paths) -> list[Region]:
        """The regions at ``paths``, each with its ancestors already known: one query for all."""
        codes = {c for p in paths for c in p.split("/") if c}
        by_code = {r.code: r for r in cls.objects.filter(code__in=codes)}
        found = []
        for path in paths:
            chain = [by_code[c] for c in path.split("/") if c in by_code]
            if chain and chain[-1].path == path:
                chain[-1]._ancestors = chain
                found.append(chain[-1])
        return found


def _public_code() -> str:
    return random_code(8)


class Station(PinyinNamed):
    """A liaison station, room, point or online station."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=StationKind.choices, default=StationKind.HOME
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent station"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="stations", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    reception_notes = models.TextField(_("reception notes"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    public_code = models.CharField(
        _("public code"), max_length=12, unique=True, default=_public_code, editable=False
    )
    has_site = models.BooleanField(_("fixed site"), default=False)
    has_staff = models.BooleanField(_("staff"), default=False)
    has_rules = models.BooleanField(_("written rules"), default=False)
    has_plan = models.BooleanField(_("activity plan"), default=False)
    has_ledgers = models.BooleanField(_("ledgers"), default=False)
    has_funding = models.BooleanField(_("funding"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StationQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="station_unique_name_in_region")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stations:detail", args=[self.pk])

    @property
    def public_url(self) -> str:
        """The stable address printed in the QR code."""
        return settings.PUBLIC_BASE_URL + reverse("stations:public", args=[self.public_code])

    @property
    def six_haves(self) -> list[tuple[str | Promise, bool]]:
        return [(label, getattr(self, field)) for field, label in SIX_HAVES]

    @property
    def six_haves_done(self) -> int:
        return sum(getattr(self, field) for field, _label in SIX_HAVES)

    @property
    def six_haves_percent(self) -> int:
        return round(100 * self.six_haves_done / len(SIX_HAVES))


class StaffPost(models.Model):
    """A user working at a station as head, deputy head or liaison officer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_posts",
        verbose_name=_("user"),
    )
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="staff_posts", verbose_name=_("station")
    )
    post = models.CharField(_("post"), max_length=12, choices=StaffPostKind.choices)

    class Meta:
        verbose_name = _("staff post")
        verbose_name_plural = _("staff posts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "station"], name="staffpost_unique_user_station"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.get_post_display()} · {self.user}"


class ClerkScope(models.Model):
    """A standing-committee clerk's area: a city or district and everything below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clerk_scopes",
        verbose_name=_("user"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="clerk_scopes", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("clerk scope")
        verbose_name_plural = _("clerk scopes")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="clerkscope_unique_user_region")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.region}"


class Department(PinyinNamed):
    """A handling department (承办单位) that receives assigned cases."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )
    contact_person = models.CharField(_("contact person"), max_length=32, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="department_unique_name_in_region"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("stations:department_detail", args=[self.pk])


class DepartmentHandler(models.Model):
    """A user who handles cases for a department."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="handler_posts",
        verbose_name=_("user"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="handlers", verbose_name=_("department")
    )

    class Meta:
        verbose_name = _("department handler")
        verbose_name_plural = _("department handlers")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="handler_unique_user_department"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.user}"
