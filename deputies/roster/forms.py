"""Forms for the roster pages (crispy-forms, Bootstrap 5)."""

from __future__ import annotations

import datetime as dt
import json

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import Deputy
from ..rules import PRESETS, build_rrule
from .choices import DayKind, DutyStatus, Frequency
from .models import ReceptionDay, ReceptionRule

WEEKDAY_CHOICES = [(str(i), WEEKDAYS[i]) for i in range(7)]
MONTH_CHOICES = [(str(i), MONTHS[i]) for i in range(1, 13)]
ORDINAL_CHOICES = [
    ("1", _("first")),
    ("2", _("second")),
    ("3", _("third")),
    ("4", _("fourth")),
    ("-1", _("last")),
]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _helper(submit: str | Promise | None, method: str = "post") -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    if submit:
        helper.add_input(Submit("submit", submit))
    return helper


class ReceptionRuleForm(forms.ModelForm):
    """A reception rule; the preset select fills the recurrence fields in the browser."""

    preset = forms.ChoiceField(
        label=_("Start from a common rule"),
        required=False,
        choices=[("", "—")] + [(k, v["label"]) for k, v in PRESETS.items()],
    )
    monthdays = forms.CharField(
        label=_("Days of the month"),
        required=False,
        help_text=_("e.g. 20, or 5,20; -1 is the last day of the month"),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    ordinals = forms.MultipleChoiceField(
        label=_("Which of them in the month"),
        choices=ORDINAL_CHOICES,
        required=False,
        help_text=_("Monthly rules only; leave empty for every such weekday."),
        widget=forms.CheckboxSelectMultiple,
    )
    months = forms.MultipleChoiceField(
        label=_("Only in these months"),
        choices=MONTH_CHOICES,
        required=False,
        help_text=_("Leave empty for every month."),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ReceptionRule
        fields = [
            "title",
            "freq",
            "interval",
            "dtstart",
            "until",
            "start_time",
            "end_time",
            "location",
            "holiday_policy",
            "is_active",
        ]
        widgets = {"dtstart": DATE, "until": DATE, "start_time": TIME, "end_time": TIME}

    field_order = [
        "preset",
        "title",
        "freq",
        "interval",
        "monthdays",
        "weekdays",
        "ordinals",
        "months",
        "dtstart",
        "until",
        "start_time",
        "end_time",
        "location",
        "holiday_policy",
        "is_active",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rule = self.instance
        if rule.pk:
            self.initial.setdefault("monthdays", rule.bymonthday)
            self.initial.setdefault("weekdays", [w for w in rule.byweekday.split(",") if w])
            self.initial.setdefault("ordinals", [o for o in rule.weekday_ordinals.split(",") if o])
            self.initial.setdefault("months", [m for m in rule.bymonth.split(",") if m])
        elif not self.initial.get("dtstart"):
            self.initial["dtstart"] = timezone.localdate().replace(month=1, day=1)
        self.fields["preset"].widget.attrs["data-presets"] = json.dumps(
            {k: v["fields"] for k, v in PRESETS.items()}
        )
        self.helper = _helper(_("Save rule"))
        self.helper.layout = Layout(
            "preset",
            "title",
            "freq",
            "interval",
            "monthdays",
            InlineCheckboxes("weekdays"),
            InlineCheckboxes("ordinals"),
            InlineCheckboxes("months"),
            "dtstart",
            "until",
            "start_time",
            "end_time",
            "location",
            "holiday_policy",
            "is_active",
        )

    def clean_monthdays(self) -> str:
        text = self.cleaned_data["monthdays"].replace("，", ",").replace(" ", "")
        if not text:
            return ""
        try:
            days = [int(part) for part in text.split(",") if part]
        except ValueError:
            raise forms.ValidationError(
                _("Enter day numbers separated by commas, e.g. 5,20.")
            ) from None
        if any(d == 0 or not -31 <= d <= 31 for d in days):
            raise forms.ValidationError(
                _("Days of the month run from 1 to 31 (or -1 for the last).")
            )
        return ",".join(str(d) for d in days)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        freq = data.get("freq")
        monthdays, weekdays = data.get("monthdays"), data.get("weekdays") or []
        if freq == Frequency.WEEKLY and not weekdays:
            self.add_error("weekdays", _("Choose the weekday(s) of a weekly rule."))
        if freq == Frequency.MONTHLY and not monthdays and not weekdays:
            self.add_error("monthdays", _("Give the day of the month, or choose weekdays."))
        if monthdays and weekdays:
            self.add_error("weekdays", _("Use either days of the month or weekdays, not both."))
        if freq == Frequency.WEEKLY and data.get("ordinals"):
            self.add_error(
                "ordinals", _("“Which of them in the month” only applies to monthly rules.")
            )
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The reception must end after it starts."))
        if data.get("until") and data.get("dtstart") and data["until"] < data["dtstart"]:
            self.add_error("until", _("The end date must not be before the start date."))
        if not self.errors:
            self._apply(data)
            horizon = dt.datetime.combine(data["dtstart"], dt.time()) + dt.timedelta(days=800)
            if build_rrule(self.instance).before(horizon, inc=True) is None:
                raise forms.ValidationError(_("This rule produces no dates; check the fields."))
        return data

    def _apply(self, data: dict) -> None:
        rule = self.instance
        for name in (
            "freq",
            "interval",
            "dtstart",
            "until",
            "start_time",
            "end_time",
            "holiday_policy",
        ):
            setattr(rule, name, data.get(name))
        rule.bymonthday = data.get("monthdays") or ""
        rule.byweekday = ",".join(sorted(data.get("weekdays") or [], key=int))
        rule.weekday_ordinals = ",".join(data.get("ordinals") or [])
        rule.bymonth = ",".join(sorted(data.get("months") or [], key=int))


class ReceptionDayForm(forms.ModelForm):
    """A reception day added by hand."""

    class Meta:
        model = ReceptionDay
        fields = ["date", "start_time", "end_time", "kind", "topic", "place"]
        widgets = {"date": DATE, "start_time": TIME, "end_time": TIME}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = DayKind.ONE_OFF
        self.fields["place"].help_text = _("Leave empty for the station's address.")
        self.helper = _helper(_("Add reception day"))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("start_time")
            and data.get("end_time")
            and data["end_time"] <= data["start_time"]
        ):
            self.add_error("end_time", _("The reception must end after it starts."))
        return data

    def validate_unique(self) -> None:
        pass  # the station is set by the service, which reports a taken slot itself


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class AutofillForm(YearForm):
    seats = forms.IntegerField(
        label=_("Deputies per reception"),
        min_value=1,
        max_value=20,
        required=False,
        help_text=_("Leave empty to use what the annual quota needs."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Preview"), method="get")
        self.helper.form_class = "row row-cols-lg-auto g-2 align-items-end"


class RotationForm(YearForm):
    per_month = forms.IntegerField(
        label=_("Departments per month"), min_value=1, max_value=10, initial=2, required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Preview"), method="get")
        self.helper.form_class = "row row-cols-lg-auto g-2 align-items-end"


class AssignForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=Deputy.objects.none())

    def __init__(self, *args, deputies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies if deputies is not None else Deputy.objects.none()
        self.helper = _helper(_("Put on duty"))


class DepartmentForm(forms.Form):
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Department"), queryset=None
    )

    def __init__(self, *args, departments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.helper = _helper(_("Add department"))


class AttendanceForm(forms.Form):
    """Attendance of one duty; several are shown on the day page, each with its own prefix."""

    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[(v, label) for v, label in DutyStatus.choices if v != DutyStatus.ASSIGNED],
    )
    reason = forms.CharField(label=_("Reason / note"), max_length=200, required=False)
    replaced_by = forms.ModelChoiceField(
        label=_("Replaced by"), queryset=Deputy.objects.none(), required=False
    )

    def __init__(self, *args, deputies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if deputies is not None:
            self.fields["replaced_by"].queryset = deputies
        self.helper = _helper(_("Record"))
        self.helper.form_tag = False

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("status") == DutyStatus.ABSENT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the absence."))
        if data.get("status") == DutyStatus.REPLACED and not data.get("replaced_by"):
            self.add_error("replaced_by", _("Choose the deputy who stood in."))
        return data


class UnavailabilityForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("Deputy"), queryset=Deputy.objects.none())
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, deputies=None, submit: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if deputies is None:
            del self.fields["deputy"]  # a deputy marks themself, or the period is being edited
        else:
            self.fields["deputy"].queryset = deputies
        self.helper = _helper(submit or _("Mark unavailable"))

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date must not be before the start date."))
        return data


class SwapForm(forms.Form):
    to_duty: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Their duty you would take"), queryset=None
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, candidates=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_duty"].queryset = candidates
        self.fields["to_duty"].label_from_instance = lambda d: (
            f"{d.day.date:%Y-%m-%d} {d.day.start_time:%H:%M} · {d.deputy.name}"
        )
        self.helper = _helper(_("Ask for the swap"))
