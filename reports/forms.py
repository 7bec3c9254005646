"""The period and region picker of the clerk pages, and the outline upload."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import Region

from .models import OUTLINE_MAX_BYTES, validate_geojson

MAX_DAYS = 366 * 5


PERIODS = (
    ("month", _("This month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
    ("custom", _("Custom")),
)


DEFAULT_PERIOD = "year"


def period_bounds(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the month, quarter or year containing ``today``."""
    if kind == "year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    if kind == "quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        start = dt.date(today.year, first, 1)
    else:
        start = today.replace(day=1)
    months = 3 if kind == "quarter" else 1
    y, m = divmod(start.month - 1 + months, 12)
    end = dt.date(start.year + y, m + 1, 1) - dt.timedelta(days=1)
    return start, end


class RegionChoiceField(forms.ChoiceField):
    """A ``ModelChoiceField`` over regions already read: neither rendering nor cleaning queries.

    The page reads its picker's regions together with its default region and breadcrumb
    (reports.selectors.region_picker); a queryset field would read them again twice.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.regions: dict[str, Region] = {}

    def set_regions(self, regions) -> None:
        self.regions = {str(r.pk): r for r in regions}
        self.choices = [("", "---------"), *((k, str(r)) for k, r in self.regions.items())]

    def clean(self, value):
        value = super().clean(value)
        return self.regions.get(value) if value else None


class PeriodForm(forms.Form):
    """Which region and which period a clerk page shows (a GET form)."""

    region = RegionChoiceField(label=_("Region"), required=False)
    period = forms.ChoiceField(
        label=_("Period"), choices=PERIODS, required=False, initial=DEFAULT_PERIOD
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, regions=None, with_region: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if with_region and regions is not None:
            self.fields["region"].set_regions(regions)
        else:
            del self.fields["region"]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-lg-auto g-2 align-items-end d-print-none"
        self.helper.field_class = ""
        self.helper.label_class = "small"
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("", _("Show"), css_class="btn-sm"))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind = data.get("period") or DEFAULT_PERIOD
        today = timezone.localdate()
        if kind == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise ValidationError(_("A custom period needs both a start and an end date."))
            if start > end:
                raise ValidationError(_("The start date must not be after the end date."))
            if (end - start).days > MAX_DAYS:
                raise ValidationError(_("A custom period may span at most five years."))
        else:
            start, end = period_bounds(kind, today)
        data["period"], data["start"], data["end"] = kind, start, end
        return data


class OutlineForm(forms.Form):
    """Upload a region outline as a GeoJSON file or pasted text (a region of the user's area)."""

    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    file = forms.FileField(label=_("GeoJSON file"), required=False)
    text = forms.CharField(
        label=_("or paste GeoJSON"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, regions=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("save", _("Upload outline")))

    def clean(self):
        super().clean()
        data = self.cleaned_data
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload:
            if upload.size > OUTLINE_MAX_BYTES:
                raise ValidationError(
                    _("The file is larger than %(size)s MB."),
                    params={"size": OUTLINE_MAX_BYTES // (1024 * 1024)},
                )
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(_("The file is not UTF-8 text.")) from exc
        if not text:
            raise ValidationError(_("Choose a GeoJSON file or paste its text."))
        validate_geojson(text)
        data["geojson"] = text
        return data
