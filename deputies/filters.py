"""The filter bar of the deputy list (also used by the export)."""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from stations.models import Station

from .choices import DeputyLevel, Gender
from .models import Deputy, StationAssignment


def _stations(request):
    if request is None:
        return Station.objects.none()
    return Station.objects.visible_to(request.user)


class DeputyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin or initials")}),
    )
    level = django_filters.ChoiceFilter(label=_("Level"), choices=DeputyLevel.choices)
    station = django_filters.ModelChoiceFilter(
        label=_("Station"),
        queryset=_stations,  # type: ignore[arg-type]  # django-filter calls it with the request
        method="filter_station",
    )
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=Gender.choices)
    is_active = django_filters.BooleanFilter(
        label=_("Status"),
        widget=forms.Select(
            choices=[("", _("Any")), ("true", _("Active")), ("false", _("Inactive"))]
        ),
    )
    term = django_filters.NumberFilter(label=_("Term"))
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        fields=(("name_pinyin", "name"), ("term", "term"), ("created_at", "created")),
        field_labels={
            "name_pinyin": _("Name (pinyin)"),
            "term": _("Term"),
            "created_at": _("Added"),
            # django-filter formats "%s (descending)" when the class is built, i.e. in whatever
            # language was active at import: lazy labels keep each page in its own language.
            "-name": _("Name (pinyin), descending"),
            "-term": _("Term, descending"),
            "-created": _("Added, descending"),
        },
    )

    class Meta:
        model = Deputy
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_station(self, queryset, name, station):
        # A subquery rather than a join keeps one row per deputy without DISTINCT.
        ids = StationAssignment.objects.filter(station=station, end_date__isnull=True).values(
            "deputy_id"
        )
        return queryset.filter(pk__in=ids)

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            helper = FormHelper()
            helper.form_method = "get"
            helper.form_class = "row row-cols-lg-auto g-2 align-items-end mb-3"
            helper.field_class = ""
            helper.add_input(Submit("", _("Filter"), css_class="btn-secondary"))
            form.helper = helper  # type: ignore[attr-defined]  # crispy reads it from the form
        return form
