"""Forms of the project pages. Each action form ``perform``s its one service; choices are
limited to what the user may pick, and the services check everything again."""

from __future__ import annotations

from crispy_forms.layout import HTML, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput, MultipleFileField, fields_helper
from core.input import ExactCharField, NormalizedFormMixin, clean_mobile
from core.roles import roles_of
from petitions import captcha
from petitions.attachments import validate_uploads
from petitions.models import Petition
from stations.choices import RegionLevel
from stations.models import Department, Region, Station
from stations.paths import region_paths_q
from stations.scope import managed_q

from . import rights, services
from .choices import Choice, Rating, VoteRule


def _departments(cycle):
    return Department.objects.filter(
        is_active=True, region__path__startswith=cycle.region.path
    ).order_by("name")


class CycleForm(NormalizedFormMixin, forms.Form):
    """A clerk opens a year's cycle and its public call."""

    region = forms.ModelChoiceField(
        label=_("Region (its people's congress)"), queryset=Region.objects.none()
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=120)
    call_text = forms.CharField(
        label=_("Open call"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the public form where constituents propose projects."),
    )
    vote_rule = forms.ChoiceField(label=_("Vote rule"), choices=VoteRule.choices)
    choose_n = forms.IntegerField(label=_("Number to choose"), min_value=1, required=False)
    vote_opens_at = forms.DateTimeField(label=_("Vote opens"), required=False, widget=DateTimeInput)
    vote_closes_at = forms.DateTimeField(
        label=_("Vote closes"), required=False, widget=DateTimeInput
    )

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        roles = roles_of(actor)
        regions = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT])
        if not roles.is_admin:
            regions = regions.filter(region_paths_q(roles.clerk_region_paths))
        self.fields["region"].queryset = regions.order_by("code")
        self.initial.setdefault("year", timezone.localdate().year + 1)
        self.helper = fields_helper()

    def clean(self):
        data = super().clean() or {}
        opens, closes = data.get("vote_opens_at"), data.get("vote_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("vote_closes_at", _("The vote must close after it opens."))
        return data

    def save(self):
        return services.cycle_create(actor=self.actor, **self.cleaned_data)


class ProposeForm(NormalizedFormMixin, forms.Form):
    """A deputy, station staff or a clerk proposes a candidate project."""

    title = forms.CharField(
        label=_("Title"), max_length=120, help_text=_("Public once the project is chosen.")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What is to be done, where, and for whom. Public once the project is chosen."),
    )
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Responsible departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    station = forms.ModelChoiceField(
        label=_("Station"), queryset=Station.objects.none(), required=False
    )
    petitions = forms.ModelMultipleChoiceField(
        label=_("Cases that motivate it"),
        queryset=Petition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Their constituents see the project's title and status when they track their case."
        ),
    )

    def __init__(self, *args, actor, cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.cycle = actor, cycle
        self.fields["departments"].queryset = _departments(cycle)
        stations = Station.objects.filter(
            managed_q(actor, "pk"), region__path__startswith=cycle.region.path
        )
        if stations.exists():
            self.fields["station"].queryset = stations
            self.fields["petitions"].queryset = (
                Petition.objects.visible_to(actor)
                .filter(station__in=stations)
                .order_by("-submitted_at")[:200]
            )
            self.fields["petitions"].queryset = Petition.objects.filter(
                pk__in=list(self.fields["petitions"].queryset.values_list("pk", flat=True))
            ).order_by("-submitted_at")
            self.fields["petitions"].label_from_instance = lambda p: f"{p.display_code} {p.title}"
        else:
            del self.fields["station"], self.fields["petitions"]
        self.helper = fields_helper()

    def save(self):
        d = dict(self.cleaned_data)
        return services.candidate_propose(
            actor=self.actor,
            cycle=self.cycle,
            title=d["title"],
            description=d["description"],
            estimated_cost=d.get("estimated_cost"),
            departments=list(d.get("departments") or []),
            petitions=list(d.get("petitions") or []),
            station=d.get("station"),
        )


class PublicProposeForm(NormalizedFormMixin, forms.Form):
    """A constituent's proposal through the region's open call (same captcha, rate limit and
    consent as the public opinion form)."""

    title = forms.CharField(label=_("Project"), max_length=120)
    description = forms.CharField(
        label=_("What should be done, and why"), widget=forms.Textarea(attrs={"rows": 6})
    )
    name = forms.CharField(label=_("Your name"), max_length=32, required=False)
    phone = ExactCharField(
        label=_("Mobile phone"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
        help_text=_("Optional: so that the standing committee can ask you about it."),
    )  # fmt: skip
    consent = forms.BooleanField(
        label=_("I agree that my personal data is used to handle this proposal."),
        help_text=_(
            "Your name and phone are seen only by the standing committee's staff handling the "
            "proposals; they are never published."
        ),
        error_messages={"required": _("Please agree to the handling of your personal data.")},
    )
    captcha = ExactCharField(
        label=_("Characters in the picture, or the answer to the question"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, request=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.helper = fields_helper()
        self.helper.layout = Layout(
            "title", "description", "name", "phone", Field("consent"),
            HTML('{% include "petitions/public/_captcha.html" %}'), "captcha",
        )  # fmt: skip

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))

    def clean_captcha(self) -> str:
        return clean_captcha(self.request, self.cleaned_data.get("captcha", ""))


def clean_captcha(request, value: str) -> str:
    if request is not None and captcha.too_many_failures(request):
        raise ValidationError(
            _("Too many wrong answers from this network. Please wait an hour, or call the station.")
        )
    if request is None or not captcha.check(request, value):
        raise ValidationError(
            _("The characters do not match the picture. Please type the new picture's.")
        )
    return value


class RatingCodeForm(NormalizedFormMixin, forms.Form):
    """Ask for the SMS code that proves the phone before rating (captcha against SMS floods)."""

    phone = ExactCharField(
        label=_("Mobile phone"), max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
    )  # fmt: skip
    captcha = ExactCharField(
        label=_("Characters in the picture, or the answer to the question"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, request=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.helper = fields_helper()
        self.helper.layout = Layout(
            "phone", HTML('{% include "petitions/public/_captcha.html" %}'), "captcha"
        )

    def clean_phone(self) -> str:
        value = clean_mobile(self.cleaned_data.get("phone", ""))
        if not value:
            raise ValidationError(_("Enter your mobile number."))
        return value

    def clean_captcha(self) -> str:
        return clean_captcha(self.request, self.cleaned_data.get("captcha", ""))


class PublicRateForm(NormalizedFormMixin, forms.Form):
    phone = ExactCharField(widget=forms.HiddenInput, max_length=20)
    code = ExactCharField(
        label=_("Code from the SMS"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )  # fmt: skip
    rating = forms.ChoiceField(
        label=_("Are you satisfied with this project?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))


# ---- ballots --------------------------------------------------------------------------------


class BallotForm(forms.Form):
    """One deputy's ballot: for / against / abstain per candidate, or tick up to N."""

    def __init__(self, *args, cycle, candidates, initial_marks=None, paper_deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle, self.candidates = cycle, list(candidates)
        marks = initial_marks or {}
        if paper_deputies is not None:
            self.fields["deputy"] = forms.ModelChoiceField(
                label=_("Deputy"), queryset=paper_deputies
            )
        if cycle.vote_rule == VoteRule.CHOOSE_N:
            self.fields["chosen"] = forms.MultipleChoiceField(
                label=_("Choose up to %(n)d projects") % {"n": cycle.choose_n or 0},
                choices=[(str(c.pk), c.title) for c in self.candidates],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=[str(pk) for pk, v in marks.items() if v == Choice.FOR],
            )
        else:
            for c in self.candidates:
                self.fields[f"c{c.pk}"] = forms.ChoiceField(
                    label=c.title,
                    choices=Choice.choices,
                    widget=forms.RadioSelect(attrs={"class": "btn-check"}),
                    initial=marks.get(c.pk),
                    error_messages={"required": _("Mark this project: for, against or abstain.")},
                )
        self.helper = fields_helper()

    def clean(self):
        data = super().clean() or {}
        if self.cycle.vote_rule == VoteRule.CHOOSE_N:
            if len(data.get("chosen") or []) > (self.cycle.choose_n or 0):
                self.add_error(
                    "chosen", _("Choose at most %(n)d projects.") % {"n": self.cycle.choose_n or 0}
                )
        return data

    def marks(self) -> dict[int, str]:
        if self.cycle.vote_rule == VoteRule.CHOOSE_N:
            return {int(pk): Choice.FOR for pk in self.cleaned_data.get("chosen") or []}
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.candidates}


# ---- candidate actions (one per registry row) ---------------------------------------------


class ActionForm(forms.Form):
    """An action of the registry on one candidate; ``perform`` calls its service."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    done_message = _("Done.")

    def __init__(self, *args, candidate, actor=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidate, self.actor = candidate, actor
        if not self.is_bound:
            self.initial["version"] = candidate.version
        self.helper = fields_helper()

    def common(self) -> dict:
        return {
            "actor": self.actor,
            "candidate": self.candidate,
            "expected_version": self.cleaned_data["version"],
        }

    def perform(self):  # pragma: no cover - every action form overrides it
        raise NotImplementedError


class ScreenForm(NormalizedFormMixin, ActionForm):
    recommendation = forms.CharField(
        label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the government side recommends it, and how it would be done."),
    )  # fmt: skip
    estimated_cost = forms.DecimalField(
        label=_("Estimated cost (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Responsible departments"), queryset=Department.objects.none(), required=False
    )
    done_message = _("Taken into the reserve list.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = _departments(self.candidate.cycle)
        if not self.is_bound:
            self.initial["estimated_cost"] = self.candidate.estimated_cost
            self.initial["departments"] = list(
                self.candidate.departments.values_list("pk", flat=True)
            )

    def perform(self):
        d = self.cleaned_data
        return services.candidate_screen(
            **self.common(), recommendation=d["recommendation"],
            estimated_cost=d.get("estimated_cost"), departments=list(d.get("departments") or []),
        )  # fmt: skip


class RejectForm(NormalizedFormMixin, ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    done_message = _("Not taken; the reason is recorded.")

    def perform(self):
        return services.candidate_reject(**self.common(), reason=self.cleaned_data["reason"])


class StartForm(ActionForm):
    lead_department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none()
    )
    supervisors: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Supervising deputies"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )  # fmt: skip
    done_message = _("Assigned to the lead department.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = _departments(self.candidate.cycle)
        self.fields["supervisors"].queryset = rights.congress_deputies(self.candidate.cycle.region)

    def perform(self):
        d = self.cleaned_data
        return services.candidate_start(
            **self.common(),
            lead_department=d["lead_department"],
            supervisors=list(d["supervisors"]),
        )


class MilestoneForm(NormalizedFormMixin, ActionForm):
    title = forms.CharField(label=_("Milestone"), max_length=120)
    due_date = forms.DateField(label=_("Due by"), widget=DateInput)
    done_message = _("Milestone added.")

    def perform(self):
        d = self.cleaned_data
        return services.milestone_add(**self.common(), title=d["title"], due_date=d["due_date"])


class MilestoneDoneForm(ActionForm):
    milestone: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Milestone"), queryset=None)
    done_on = forms.DateField(label=_("Done on"), widget=DateInput)
    done_message = _("Milestone recorded as done.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = self.candidate.milestones.filter(done_on__isnull=True)
        if not self.is_bound:
            self.initial["done_on"] = timezone.localdate()

    def perform(self):
        d = self.cleaned_data
        return services.milestone_done(
            **self.common(), milestone=d["milestone"], done_on=d["done_on"]
        )


class ProgressForm(NormalizedFormMixin, ActionForm):
    text = forms.CharField(
        label=_("Progress"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the public project page."),
    )  # fmt: skip
    percent = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)
    photos = MultipleFileField(
        label=_("Photos"), check=validate_uploads, accept="image/*",
        help_text=_("Up to 5 photos (JPEG, PNG or WebP)."),
    )  # fmt: skip
    done_message = _("Progress reported.")

    def perform(self):
        d = self.cleaned_data
        return services.progress_report(
            **self.common(), text=d["text"], percent=d["percent"], photos=d.get("photos") or []
        )


class InspectionForm(NormalizedFormMixin, ActionForm):
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput)
    opinion = forms.CharField(
        label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Seen by the standing committee and the department, not published."),
    )  # fmt: skip
    done_message = _("Inspection recorded; the department is told.")

    def perform(self):
        d = self.cleaned_data
        return services.inspection_record(
            **self.common(), visited_on=d["visited_on"], opinion=d["opinion"]
        )


class CompleteForm(ActionForm):
    completed_at = forms.DateField(label=_("Completed on"), widget=DateInput)
    spent = forms.DecimalField(
        label=_("Spent (10k yuan)"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    done_message = _("Recorded as completed.")

    def perform(self):
        d = self.cleaned_data
        return services.candidate_complete(
            **self.common(), completed_at=d["completed_at"], spent=d.get("spent")
        )


class DeputyRateForm(ActionForm):
    rating = forms.ChoiceField(
        label=_("Your rating"), choices=Rating.choices, widget=forms.RadioSelect
    )
    done_message = _("Your rating was recorded.")

    def perform(self):
        return services.deputy_rate(**self.common(), rating=self.cleaned_data["rating"])


class SurveyForm(NormalizedFormMixin, ActionForm):
    phone = ExactCharField(label=_("Constituent's mobile phone"), max_length=20)
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect)
    done_message = _("Survey answer recorded.")

    def clean_phone(self) -> str:
        value = clean_mobile(self.cleaned_data.get("phone", ""))
        if not value:
            raise ValidationError(_("Enter the mobile number."))
        return value

    def perform(self):
        d = self.cleaned_data
        return services.survey_record(**self.common(), phone=d["phone"], rating=d["rating"])


class CarryOverForm(NormalizedFormMixin, ActionForm):
    note = forms.CharField(
        label=_("Why it is carried over"), widget=forms.Textarea(attrs={"rows": 3})
    )
    done_message = _("Carried over into next year's cycle.")

    def perform(self):
        return services.candidate_carry_over(**self.common(), note=self.cleaned_data["note"])
