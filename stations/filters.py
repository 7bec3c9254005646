"""List filters for stations, departments and regions (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import StationKind
from .models import Department, Region, Station

ACTIVE_CHOICES = (("1", _("Active")), ("0", _("Inactive")))


def _visible_regions(request):
    if request is None:
        return Region.objects.none()
    return Region.objects.visible_to(request.user).order_by("path")


def _subtree(queryset, field: str, region: Region | None):
    if region is None:
        return queryset
    return queryset.filter(**{f"{field}__startswith": region.path})


class _Base(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="search", widget=forms.TextInput(attrs={"type": "search"})
    )
    region = django_filters.ModelChoiceFilter(
        label=_("Region"),
        queryset=_visible_regions,  # type: ignore[arg-type]  # called with the request
        method="in_region",
        empty_label=_("All regions"),
    )
    active = django_filters.ChoiceFilter(
        label=_("Status"), choices=ACTIVE_CHOICES, method="by_active", empty_label=_("Any status")
    )

    def in_region(self, queryset, name, value):
        return _subtree(queryset, "region__path", value)

    def by_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "1")


class StationFilter(_Base):
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=StationKind.choices, empty_label=_("All kinds")
    )

    class Meta:
        model = Station
        fields = ["q", "region", "kind", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))


class DepartmentFilter(_Base):
    class Meta:
        model = Department
        fields = ["q", "region", "active"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(contact_person__icontains=value))


class RegionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Region
        fields = ["q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
