"""Forms of the ties pages (crispy, NFKC-normalised input; services check everything again)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.input import ExactCharField, NormalizedFormMixin, clean_mobile
from deputies.models import Deputy
from petitions.choices import Satisfaction
from stations.models import Station

from .choices import ContactKind, ReportForm
from .models import ElectoralDistrict, Grid


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class DateInput(forms.DateInput):
    input_type = "date"


class PairForm(NormalizedFormMixin, forms.Form):
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=Deputy.objects.none())
    name = forms.CharField(label=_("Constituent's name"), max_length=32)
    phone = ExactCharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    consent_on = forms.DateField(
        label=_("Consent given on"),
        widget=DateInput,
        help_text=_(
            "The constituent agreed to be paired, to be contacted and to be listed by name on "
            "the station's public page."
        ),
    )

    def __init__(self, *args, deputies=None, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("consent_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies if deputies is not None else Deputy.objects.none()
        if deputies is not None and len(deputies) == 1:
            self.fields["deputy"].initial = deputies[0]
        self.helper = _helper()

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))


class ContactForm(NormalizedFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("How"), choices=ContactKind.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput)
    note = forms.CharField(
        label=_("Note (internal)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Read by the deputy and the station staff only."),
    )
    opinion = forms.CharField(
        label=_("Opinion raised"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the constituent asked for; one click records it as a case."),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise forms.ValidationError(_("A contact cannot be in the future."))
        return on


class CommitteeForm(forms.Form):
    deputies = forms.ModelMultipleChoiceField(
        label=_("Grassroots deputies"),
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose 5 to 8 (一名常委会组成人员结对联系5至8名基层代表)."),
    )

    def __init__(self, *args, deputies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = (
            deputies if deputies is not None else Deputy.objects.none()
        )
        self.helper = _helper()


class DeputyGridsForm(forms.Form):
    grids = forms.ModelMultipleChoiceField(
        label=_("Grids"),
        queryset=Grid.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("1 or 2 (每名驻站代表固定联系1至2个网格)."),
    )

    def __init__(self, *args, grids=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grids"].queryset = grids if grids is not None else Grid.objects.none()
        self.helper = _helper()


class GridOpinionForm(NormalizedFormMixin, forms.Form):
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none())
    title = forms.CharField(label=_("Subject"), max_length=120)
    content = forms.CharField(
        label=_("Opinion or request"), widget=forms.Textarea(attrs={"rows": 4})
    )
    constituent_name = forms.CharField(label=_("Constituent's name"), max_length=32)
    phone = ExactCharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("The constituent agreed that their contact data is used to handle it."),
        error_messages={"required": _("Ask the constituent for their agreement first.")},
    )

    def __init__(self, *args, grids=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids if grids is not None else Grid.objects.none()
        self.helper = _helper()

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))


class ReportBackForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("Electoral district"), queryset=ElectoralDistrict.objects.none()
    )
    held_on = forms.DateField(label=_("Held on"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=Station.objects.none(), required=False
    )
    oral = forms.ModelMultipleChoiceField(
        label=_("Deputies reporting orally"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    written = forms.ModelMultipleChoiceField(
        label=_("Deputies reporting in writing"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = forms.IntegerField(
        label=_("Constituents present"),
        min_value=0,
        max_value=500,
        help_text=_("One evaluation form with its own one-time code is printed for each."),
    )

    def __init__(self, *args, districts=None, stations=None, deputies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        none = ElectoralDistrict.objects.none()
        self.fields["district"].queryset = districts if districts is not None else none
        self.fields["station"].queryset = (
            stations if stations is not None else Station.objects.none()
        )
        for name in ("oral", "written"):
            self.fields[name].queryset = deputies if deputies is not None else Deputy.objects.none()
        self.helper = _helper()

    def speakers(self) -> list[tuple[Deputy, str]]:
        data = self.cleaned_data
        return [(d, ReportForm.ORAL) for d in data["oral"]] + [
            (d, ReportForm.WRITTEN) for d in data["written"]
        ]


class EvaluateForm(NormalizedFormMixin, forms.Form):
    """The evaluation form (述职评议): the attendee's code and a rating per deputy reporting."""

    code = ExactCharField(
        label=_("Code on your evaluation form"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "class": "form-control-lg",
            }
        ),
    )

    def __init__(self, *args, speakers=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.speakers = list(speakers)
        for s in self.speakers:
            self.fields[f"s{s.pk}"] = forms.ChoiceField(
                label=f"{s.deputy.name}（{s.get_form_display()}）",
                choices=Satisfaction.choices,
                widget=forms.RadioSelect,
            )
        self.helper = _helper()

    def ratings(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data[f"s{s.pk}"] for s in self.speakers}


class OnDateForm(forms.Form):
    on = forms.DateField(label=_("Term covering the day"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
