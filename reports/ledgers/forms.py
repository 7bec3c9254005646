"""Forms of the ledger pages: the export filter and a deputy's hand-recorded activity."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.choices import RegionLevel
from stations.models import Region, Station

from ..exports import LedgerFilters
from .choices import LedgerKind
from .models import DeputyActivity

MAX_DAYS = 366 * 5


class LedgerFilterForm(forms.Form):
    """Which ledger, for which area and period; the choices are limited to the user's scope."""

    kind = forms.ChoiceField(label=_("Ledger"), choices=LedgerKind.choices)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False
    )
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=Station.objects.none(), required=False
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    year = forms.IntegerField(
        label=_("Year (performance ledger)"), required=False, min_value=2000, max_value=2100
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Streets and above only: a city clerk's province-scale list of villages is no picker.
        self.fields["region"].queryset = (
            Region.objects.visible_to(user).exclude(level=RegionLevel.COMMUNITY).order_by("path")
        )
        self.fields["station"].queryset = (
            Station.objects.editable_by(user).only("pk", "name").order_by("name")
        )
        self.fields["year"].initial = timezone.localdate().year
        self.helper = FormHelper()
        # The page's own <form> carries the action; a second, nested one would be dropped.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("kind", css_class="col-md-4"),
                Column("region", css_class="col-md-4"),
                Column("station", css_class="col-md-4"),
            ),
            Row(
                Column("date_from", css_class="col-md-4"),
                Column("date_to", css_class="col-md-4"),
                Column("year", css_class="col-md-4"),
            ),
        )
        self.helper.add_input(Submit("export", _("Export to Excel")))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                raise ValidationError(_("“From” must be on or before “Until”."))
            if (end - start).days > MAX_DAYS:
                raise ValidationError(_("Choose a period of at most five years."))
        return data

    def filters(self) -> LedgerFilters:
        data = self.cleaned_data
        return LedgerFilters(
            region_id=data["region"].pk if data.get("region") else None,
            station_id=data["station"].pk if data.get("station") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            year=data.get("year"),
        )


class ActivityForm(forms.ModelForm):
    """A training, inspection, research or report-back recorded by staff for a deputy."""

    class Meta:
        model = DeputyActivity
        fields = ["kind", "date", "title", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "post"
        self.helper.add_input(Submit("save", _("Save")))

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("An activity is recorded after it took place."))
        return date
