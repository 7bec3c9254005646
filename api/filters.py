"""The case list's filters: region (subtree), station, status, category, dates, updated_since."""

from __future__ import annotations

import django_filters
from django.db.models import Q

from petitions.choices import Status
from petitions.models import Petition, PetitionEvent
from stations.models import Region


class CaseFilter(django_filters.FilterSet):
    region = django_filters.NumberFilter(method="filter_region", label="region id (and below)")
    station = django_filters.NumberFilter(field_name="station_id")
    status = django_filters.ChoiceFilter(choices=Status.choices)
    category = django_filters.NumberFilter(field_name="category_id")
    date_from = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__gte")
    date_to = django_filters.DateFilter(field_name="submitted_at", lookup_expr="date__lte")
    updated_since = django_filters.IsoDateTimeFilter(method="filter_updated_since")

    class Meta:
        model = Petition
        fields: list[str] = []

    def filter_region(self, queryset, name, value):
        region = Region.objects.filter(pk=value).first()
        if region is None:
            return queryset.none()
        return queryset.filter(station__region__path__startswith=region.path)

    def filter_updated_since(self, queryset, name, value):
        """Cases with a timeline step at or after ``value``: every change writes one."""
        changed = PetitionEvent.objects.filter(created_at__gte=value).values("petition_id")
        return queryset.filter(Q(pk__in=changed))
