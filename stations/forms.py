"""Forms for the registry; choices are limited to what the user may see, services re-check."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.input import NormalizedFormMixin
from core.roles import roles_of
from core.widgets import use_typeahead

from . import lookups
from .choices import RegionLevel, StationKind
from .models import SIX_HAVES, Department, Region, Station
from .services import check_station_tree


class StationForm(NormalizedFormMixin, forms.ModelForm):
    class Meta:
        model = Station
        fields = [
            "name",
            "kind",
            "region",
            "parent",
            "address",
            "latitude",
            "longitude",
            "floor_area",
            "opening_hours",
            "reception_notes",
            "contact_phone",
            "is_active",
            *[field for field, _label in SIX_HAVES],
        ]
        widgets = {"reception_notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "opening_hours": _("For example: every month on the 20th, 9:00–11:30"),
            "floor_area": _("The standard asks for at least 60 m²."),
        }

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = roles_of(actor)
        # Type-ahead fields (a province has thousands of regions and stations); the querysets
        # are the lookups' own, so the list offers what the form accepts.
        use_typeahead(self.fields["region"], "stations:lookup", "region")
        use_typeahead(self.fields["parent"], "stations:lookup", "station")
        self.fields["region"].queryset = lookups.KINDS["region"].rows(actor)
        parents = lookups.KINDS["station"].rows(actor)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        if not (roles.is_admin or roles.is_clerk) and not self.instance.pk:
            # Station staff add rooms and points below their own station.
            self.fields["parent"].required = True
            self.fields["parent"].help_text = _("Rooms and points sit below your station.")
            self.fields["kind"].choices = [
                c for c in StationKind.choices if c[0] != StationKind.HOME
            ]
            self.fields["kind"].initial = StationKind.ROOM
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("name", css_class="col-md-6"),
                Column("kind", css_class="col-md-3"),
                Column("is_active", css_class="col-md-3 pt-md-4"),
            ),
            Row(Column("region", css_class="col-md-6"), Column("parent", css_class="col-md-6")),
            "address",
            Row(
                Column("latitude", css_class="col-md-4"),
                Column("longitude", css_class="col-md-4"),
                Column("floor_area", css_class="col-md-4"),
            ),
            Row(
                Column("opening_hours", css_class="col-md-8"),
                Column("contact_phone", css_class="col-md-4"),
            ),
            "reception_notes",
            Fieldset(_("The six standards (六有)"), *[field for field, _label in SIX_HAVES]),
        )

    def clean_latitude(self):
        value = self.cleaned_data["latitude"]
        if value is not None and not -90 <= value <= 90:
            raise ValidationError(_("A latitude lies between -90 and 90."))
        return value

    def clean_longitude(self):
        value = self.cleaned_data["longitude"]
        if value is not None and not -180 <= value <= 180:
            raise ValidationError(_("A longitude lies between -180 and 180."))
        return value

    def clean_floor_area(self):
        value = self.cleaned_data["floor_area"]
        if value is not None and value < 0:
            raise ValidationError(_("The floor area cannot be negative."))
        return value

    def clean(self):
        super().clean()
        data = self.cleaned_data
        region, parent = data.get("region"), data.get("parent")
        if region is not None:
            try:
                check_station_tree(station=self.instance, region=region, parent=parent)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class RegionForm(NormalizedFormMixin, forms.ModelForm):
    class Meta:
        model = Region
        fields = ["parent", "level", "name", "code"]
        help_texts = {"code": _("The statistical code, digits only, e.g. 330402001.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Region.objects.order_by("path")
        self.fields["level"].initial = RegionLevel.STREET
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"\d{6,12}", code):
            raise ValidationError(_("Enter 6 to 12 digits."))
        return code

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class DepartmentForm(NormalizedFormMixin, forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "region", "contact_person", "contact_phone", "is_active"]

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Clerks file departments in their own area; services re-check.
        use_typeahead(self.fields["region"], "stations:lookup", "department_region")
        self.fields["region"].queryset = lookups.department_regions(actor)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Use the template: one station per row, the header row unchanged."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an .xlsx file (Excel 2007 or later)."))
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 10 MB."))
        return upload
