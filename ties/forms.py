"""Forms of the ties pages (crispy, NFKC-normalised input; services check everything again)."""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import HTML, Field, Layout
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, fields_helper
from core.input import ExactCharField, NormalizedFormMixin, clean_mobile
from deputies.choices import DeputyLevel
from deputies.models import Deputy
from petitions import captcha
from petitions.choices import Satisfaction
from stations.choices import RegionLevel, StaffPostKind
from stations.models import Department, Region, Station

from .choices import ContactKind, ReportForm
from .models import ElectoralDistrict, Grid


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
        self.helper = fields_helper()

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
        self.helper = fields_helper()

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
        self.helper = fields_helper()


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
        self.helper = fields_helper()


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
        self.helper = fields_helper()

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
        self.helper = fields_helper()

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
                label=gettext("%(name)s (%(form)s)")
                % {"name": s.deputy.name, "form": s.get_form_display()},
                choices=Satisfaction.choices,
                widget=forms.RadioSelect,
            )
        self.helper = fields_helper()

    def ratings(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data[f"s{s.pk}"] for s in self.speakers}


class OnDateForm(forms.Form):
    on = forms.DateField(label=_("Term covering the day"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()


class AppointmentAnswerForm(NormalizedFormMixin, forms.Form):
    done_message = _("Answer sent to the constituent.")

    message = forms.CharField(
        label=_("Message to the constituent"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent by SMS: the day and time, or why not and what else they can do."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()


class BookForm(NormalizedFormMixin, forms.Form):
    """The public booking form: the same captcha, rate limit and consent as the QR petition."""

    with_whom = forms.ChoiceField(label=_("With whom"), widget=forms.RadioSelect)
    topic = forms.CharField(
        label=_("What would you like to talk about?"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control-lg"}),
    )
    preferred_time = forms.CharField(
        label=_("When would suit you?"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control-lg", "placeholder": _("e.g. a weekday morning")}
        ),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=32,
        widget=forms.TextInput(attrs={"class": "form-control-lg", "autocomplete": "name"}),
    )
    phone = ExactCharField(
        label=_("Mobile phone"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "class": "form-control-lg",
                "type": "tel",
                "inputmode": "numeric",
                "autocomplete": "tel",
            }
        ),
        help_text=_("11 digits. The station answers you by SMS."),
    )
    consent = forms.BooleanField(
        label=_("I agree that my name and phone are used to arrange this appointment."),
        help_text=_("Only this station and the deputy see them; they are not published."),
        error_messages={"required": _("Please agree to the handling of your personal data.")},
    )
    captcha = ExactCharField(
        label=_("Characters in the picture, or the answer to the question"),
        max_length=10,
        widget=forms.TextInput(
            attrs={
                "class": "form-control-lg",
                "autocomplete": "off",
                "autocapitalize": "characters",
            }
        ),
    )

    def __init__(self, *args, request=None, station=None, deputies=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.station = request, station
        self.deputies = {str(d.pk): d for d in deputies}
        self.meetings = {str(m.pk): m for m in meetings}
        choices: list[tuple[str, Any]] = [("station", _("Whoever receives at the station"))]
        choices += [
            (f"d{pk}", _("Deputy %(name)s") % {"name": d.name}) for pk, d in self.deputies.items()
        ]
        choices += [
            (
                f"m{pk}",
                _("Themed reception: %(topic)s (%(day)s)")
                % {"topic": m.topic, "day": f"{m.held_at:%Y-%m-%d}"},
            )
            for pk, m in self.meetings.items()
        ]
        self.fields["with_whom"].choices = choices
        self.fields["with_whom"].initial = "station"
        self.helper = fields_helper()
        self.helper.layout = Layout(
            "with_whom",
            "topic",
            "preferred_time",
            "name",
            "phone",
            Field("consent", wrapper_class="form-check-lg"),
            HTML('{% include "petitions/public/_captcha.html" %}'),
            "captcha",
        )

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))

    def clean_captcha(self) -> str:
        value = self.cleaned_data.get("captcha", "")
        if self.request is not None and captcha.too_many_failures(self.request):
            raise forms.ValidationError(
                _(
                    "Too many wrong answers from this network. Please wait an hour, or call the station."
                )
            )
        if self.request is None or not captcha.check(self.request, value):
            raise forms.ValidationError(
                _("The characters do not match the picture. Please type the new picture's.")
            )
        return value

    def clean(self) -> dict:
        super().clean()
        if self.station is not None and not self.errors and captcha.station_flooded(self.station):
            self.add_error(
                None,
                _(
                    "This station is receiving unusually many requests right now. Please try again in an hour, or call the station."
                ),
            )
        return self.cleaned_data

    def target(self) -> dict:
        """The deputy or themed reception chosen (neither: the station's reception)."""
        value = self.cleaned_data["with_whom"]
        if value.startswith("d"):
            return {"deputy": self.deputies[value[1:]]}
        if value.startswith("m"):
            return {"meeting": self.meetings[value[1:]]}
        return {}


class MeetingForm(forms.Form):
    topic = forms.CharField(label=_("Topic set by the deputies"), max_length=200)
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies setting the topic"),
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments invited"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    heads_present = forms.CharField(
        label=_("Department heads present"), max_length=300, required=False
    )
    open_for_booking = forms.BooleanField(
        label=_("Constituents may book it on the station's public page"), required=False
    )
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none())

    def __init__(self, *args, stations=None, deputies=None, departments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = (
            stations if stations is not None else Station.objects.none()
        )
        self.fields["deputies"].queryset = (
            deputies if deputies is not None else Deputy.objects.none()
        )
        self.fields["departments"].queryset = (
            departments if departments is not None else Department.objects.none()
        )
        self.helper = fields_helper()


class MeetingItemForm(forms.Form):
    raised_by = forms.ModelChoiceField(label=_("Raised by"), queryset=Deputy.objects.none())
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    title = forms.CharField(label=_("Subject"), max_length=120)
    content = forms.CharField(label=_("The question"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meeting=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.fields["raised_by"].queryset = meeting.deputies.all()
            self.fields["department"].queryset = meeting.departments.all()
        self.helper = fields_helper()


class MeetingRateForm(NormalizedFormMixin, forms.Form):
    """A deputy's rating of the department's answer; with ``deputies`` (those of the meeting
    without an account) the staff's form to enter one on such a deputy's behalf."""

    satisfaction = forms.ChoiceField(
        label=_("The deputies' rating of the department's answer"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        required=False,
        help_text=_("Read by the station and the department; not shown on public pages."),
    )

    def __init__(self, *args, deputies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if deputies is not None:
            self.fields["deputy"] = forms.ModelChoiceField(
                label=_("Deputy (without an account)"), queryset=deputies
            )
            self.order_fields(["deputy", "satisfaction", "comment"])
        self.helper = fields_helper()


class GridForm(NormalizedFormMixin, forms.Form):
    """A grid under a community, with its station and grid worker (clerks' page)."""

    name = forms.CharField(label=_("Name"), max_length=64)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Region.objects.none())
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none())
    worker = forms.ModelChoiceField(
        label=_("Grid worker"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_("A part-time liaison of the station (a grid-worker post)."),
    )
    households = forms.IntegerField(label=_("Households"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, grid=None, **kwargs) -> None:
        if grid is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "name": grid.name,
                "community": grid.community_id,
                "station": grid.station_id,
                "worker": grid.worker_id,
                "households": grid.households,
                "is_active": grid.is_active,
            }
        super().__init__(*args, **kwargs)
        covered = Region.objects.covered_by(user)
        self.fields["community"].queryset = covered.filter(level=RegionLevel.COMMUNITY)
        stations = Station.objects.active().filter(region__in=covered)
        self.fields["station"].queryset = stations.select_related("region")
        self.fields["worker"].queryset = (
            get_user_model()
            .objects.filter(
                staff_posts__post=StaffPostKind.GRID_WORKER, staff_posts__station__in=stations
            )
            .distinct()
        )
        self.fields["worker"].label_from_instance = lambda u: u.full_name or u.username
        if grid is None:
            del self.fields["is_active"]
        self.helper = fields_helper()


class GridDeputiesForm(forms.Form):
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies keeping in touch with the grid"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each station deputy keeps in touch with 1 or 2 grids (每名驻站代表固定联系1至2个网格)."
        ),
    )

    def __init__(self, *args, deputies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = deputies
        self.helper = fields_helper()


class DistrictForm(NormalizedFormMixin, forms.Form):
    """An electoral district: its name, region and level, and (once it exists) its deputies."""

    name = forms.CharField(label=_("Name"), max_length=100)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none())
    level = forms.ChoiceField(label=_("Level"), choices=DeputyLevel.choices)

    def __init__(self, *args, user, district=None, deputies=None, **kwargs) -> None:
        if district is not None and not args and "data" not in kwargs:
            kwargs["initial"] = {
                "name": district.name,
                "region": district.region_id,
                "level": district.level,
                "deputies": list(district.deputies.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.covered_by(user).exclude(
            level=RegionLevel.COMMUNITY
        )
        if deputies is not None:
            self.fields["deputies"] = forms.ModelMultipleChoiceField(
                label=_("Deputies elected here"),
                queryset=deputies,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 12}),
                help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
            )
            self.fields["deputies"].label_from_instance = lambda d: (
                f"{d.name} · {d.get_level_display()}"
            )
        self.helper = fields_helper()
