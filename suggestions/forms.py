"""Forms of the suggestion pages. Each action form ``perform``s its one service; choices are
limited to what the user may pick, and the services check everything again."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, fields_helper
from core.roles import roles_of
from deputies.models import Deputy, StationAssignment
from petitions.attachments import validate_upload
from petitions.choices import Tier
from petitions.models import Category, Petition
from stations.models import Department

from . import services
from .choices import Classification, Evaluation, Level, Session


class DraftForm(forms.Form):
    """What a lead deputy writes: the suggestion, where it goes, the opinions behind it and the
    deputies invited to co-sign."""

    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("Shown to the constituents whose opinions are linked to the suggestion."),
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))
    proposals = forms.CharField(label=_("Proposals"), widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    session = forms.ChoiceField(label=_("Raised"), choices=Session.choices)
    level = forms.ChoiceField(label=_("Goes to"), choices=Level.choices)
    petitions = forms.ModelMultipleChoiceField(
        label=_("Constituents' opinions it is built on"),
        queryset=Petition.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Opinions triaged as “deputy's formal suggestion”; their constituents will see the "
            "suggestion's progress when they track their case."
        ),
    )
    cosigners = forms.ModelMultipleChoiceField(
        label=_("Invite deputies to co-sign"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Each invited deputy confirms on the suggestion before it is submitted."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, actor, suggestion=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.suggestion = actor, suggestion
        roles = roles_of(actor)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["petitions"].queryset = (
            Petition.objects.visible_to(actor)
            .filter(Q(tier=Tier.SUGGESTION))
            .order_by("-submitted_at")
        )
        self.fields["petitions"].label_from_instance = lambda p: f"{p.display_code} {p.title}"
        self.fields["cosigners"].queryset = self._colleagues(roles.deputy_id)
        if suggestion is not None and not self.is_bound:
            self.initial.update(
                title=suggestion.title,
                reasons=suggestion.reasons,
                proposals=suggestion.proposals,
                category=suggestion.category_id,
                session=suggestion.session,
                level=suggestion.level,
                petitions=list(suggestion.petitions.values_list("pk", flat=True)),
                cosigners=list(suggestion.cosignatures.values_list("deputy_id", flat=True)),
                version=suggestion.version,
            )
        self.helper = fields_helper()

    @staticmethod
    def _colleagues(deputy_id):
        """Deputies sitting in the lead deputy's city (the widest committee a draft can go to)."""
        qs = Deputy.objects.active().exclude(pk=deputy_id)
        try:
            city = services.committee_region(Deputy.objects.get(pk=deputy_id), Level.CITY)
        except (Deputy.DoesNotExist, ValidationError):
            return qs.none()
        ids = StationAssignment.objects.filter(
            end_date__isnull=True, station__region__path__startswith=city.path
        ).values("deputy_id")
        return qs.filter(pk__in=ids).order_by("name_pinyin")

    def save(self):
        d = dict(self.cleaned_data)
        d["cosigners"] = list(d["cosigners"])
        d["petitions"] = list(d["petitions"])
        version = d.pop("version")
        if self.suggestion is None:
            return services.suggestion_draft(actor=self.actor, **d)
        return services.suggestion_edit(
            actor=self.actor, suggestion=self.suggestion, expected_version=version, **d
        )


class ActionForm(forms.Form):
    """An action of the registry on one suggestion; ``perform`` calls its service."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    done_message = _("Done.")

    def __init__(self, *args, suggestion, actor=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.suggestion, self.actor = suggestion, actor
        if not self.is_bound:
            self.initial["version"] = suggestion.version
        self.helper = fields_helper()

    def common(self) -> dict:
        return {
            "actor": self.actor,
            "suggestion": self.suggestion,
            "expected_version": self.cleaned_data["version"],
        }

    def perform(self):  # pragma: no cover - every action form overrides it
        raise NotImplementedError


class SubmitForm(ActionForm):
    done_message = _("Submitted to the standing committee.")

    def perform(self):
        return services.suggestion_submit(**self.common())


class CosignForm(ActionForm):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("I co-sign this suggestion")), ("no", _("I do not co-sign"))],
        widget=forms.RadioSelect,
    )
    done_message = _("Your answer was recorded.")

    def perform(self):
        return services.suggestion_cosign(
            **self.common(), confirm=self.cleaned_data["answer"] == "yes"
        )


class RegisterForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False)
    done_message = _("Registered.")

    def perform(self):
        return services.suggestion_register(**self.common(), note=self.cleaned_data["note"])


class DeclineForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason for not registering"), widget=forms.Textarea(attrs={"rows": 3})
    )
    done_message = _("Not registered; the deputy was told why.")

    def perform(self):
        return services.suggestion_decline(**self.common(), reason=self.cleaned_data["reason"])


class AssignForm(ActionForm):
    lead_department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none()
    )
    assisting_departments = forms.ModelMultipleChoiceField(
        label=_("Assisting departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    deadline = forms.DateField(
        label=_("Reply due by"),
        widget=DateInput,
        help_text=_("The statutory limit is filled in; change it only for a good reason."),
    )
    note = forms.CharField(label=_("Note"), required=False)
    done_message = _("Assigned.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(
            is_active=True, region__path__startswith=self.suggestion.region.path
        ).order_by("name")
        self.fields["lead_department"].queryset = departments
        self.fields["assisting_departments"].queryset = departments
        if not self.is_bound:
            self.initial["deadline"] = services.compute_deadline(timezone.localdate())

    def perform(self):
        d = self.cleaned_data
        return services.suggestion_assign(
            **self.common(),
            lead_department=d["lead_department"],
            assisting_departments=list(d["assisting_departments"]),
            deadline=d["deadline"],
            note=d["note"],
        )


class ReplyForm(ActionForm):
    classification = forms.ChoiceField(
        label=_("Result (national classification)"),
        choices=Classification.choices,
        widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Reply letter"), widget=forms.Textarea(attrs={"rows": 8}))
    follow_up_date = forms.DateField(
        label=_("Planned delivery / follow-up date"),
        required=False,
        widget=DateInput,
        help_text=_("Required for class B: when the planned step will be checked."),
    )
    letter = forms.FileField(
        label=_("Signed letter (PDF or image)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    done_message = _("Reply sent to the deputy.")

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter:
            validate_upload(letter)
        return letter

    def clean(self):
        d = super().clean() or {}
        if d.get("classification") == Classification.B and not d.get("follow_up_date"):
            self.add_error("follow_up_date", _("A class-B reply needs the follow-up date."))
        return d

    def perform(self):
        d = self.cleaned_data
        return services.suggestion_reply(
            **self.common(),
            classification=d["classification"],
            body=d["body"],
            letter=d["letter"],
            follow_up_date=d["follow_up_date"],
        )


class EvaluateForm(ActionForm):
    evaluation = forms.ChoiceField(
        label=_("How satisfied are you with the reply?"),
        choices=Evaluation.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when unsatisfied: the department handles it again."),
    )
    done_message = _("Your evaluation was recorded.")

    def clean(self):
        d = super().clean() or {}
        if d.get("evaluation") == Evaluation.UNSATISFIED and not (d.get("comment") or "").strip():
            self.add_error(
                "comment", _("Say what is missing, so the department can handle it again.")
            )
        return d

    def perform(self):
        d = self.cleaned_data
        return services.suggestion_evaluate(
            **self.common(), evaluation=d["evaluation"], comment=d["comment"]
        )


class FollowUpForm(ActionForm):
    progress = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_date = forms.DateField(label=_("Next follow-up date"), widget=DateInput)
    done_message = _("Progress recorded.")

    def perform(self):
        d = self.cleaned_data
        return services.suggestion_follow_up(
            **self.common(), progress=d["progress"], follow_up_date=d["follow_up_date"]
        )


class FulfilForm(ActionForm):
    note = forms.CharField(label=_("What was delivered"), widget=forms.Textarea(attrs={"rows": 3}))
    done_message = _("Recorded as delivered; the suggestion is closed.")

    def perform(self):
        return services.suggestion_fulfil(**self.common(), note=self.cleaned_data["note"])


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        from .choices import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(Status.choices)
