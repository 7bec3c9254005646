"""Staff, deputy and department forms; choices limited to what the user may use, services re-check."""

from __future__ import annotations

import uuid
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.forms import share_choices
from core.input import ExactCharField, NormalizedFormMixin, clean_phone, fold
from core.pii import validate_id_number
from core.roles import roles_of
from core.widgets import TypeaheadWidget
from deputies.models import Deputy
from stations.models import Department, Region, Station
from stations.paths import region_paths_q
from stations.scope import managed_q

from .attachments import attachments_field
from .choices import (
    Channel,
    FeedbackMethod,
    ReceptionKind,
    ReplyOutcome,
    Satisfaction,
    Tier,
    Urgency,
)
from .models import CannedReply, Category, Petition, Reception, RoutingRule
from .submission import SubmissionFormMixin
from .todo.tiles import BY_KEY as TODO_TILES
from .todo.tiles import CHOICES as TODO_CHOICES


def _helper(*, tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = tag
    helper.disable_csrf = True
    return helper


def managed_stations(user):
    """Stations whose petitions the user may record: admins all, staff their own and below."""
    qs = Station.objects.active().select_related("region").order_by("name")
    if roles_of(user).is_admin:
        return qs
    return qs.filter(managed_q(user, "pk"))


def recording_stations(user):
    """Stations where the user may log a reception: those they run, and those where they are a
    part-time liaison (petitions.rights.may_record_at)."""
    roles = roles_of(user)
    qs = Station.objects.active().select_related("region").order_by("name")
    if roles.is_admin:
        return qs
    return qs.filter(managed_q(user, "pk") | Q(pk__in=roles.liaison_station_ids))


def station_deputies(station_ids):
    return (
        Deputy.objects.active()
        .filter(assignments__station_id__in=station_ids, assignments__end_date__isnull=True)
        .distinct()
        .order_by("name_pinyin")
    )


class SearchableCheckboxes(forms.CheckboxSelectMultiple):
    """Deputies as tick boxes, each carrying its name and pinyin for the search box
    (static/js/reception.js hides the ones that do not match)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        deputy = getattr(value, "instance", None)
        if deputy is not None:
            pinyin = deputy.name_pinyin or ""
            option["attrs"]["data-search"] = f"{deputy.name} {pinyin} {pinyin.replace(' ', '')}"
        return option


def reception_defaults(actor, stations, day) -> tuple[Station | None, list[int]]:
    """The station to preselect (the one with a reception day today, else the user's first) and
    the deputies on duty there today according to the roster."""
    from deputies.roster.choices import DayStatus, DutyStatus
    from deputies.roster.models import Duty

    duties = list(
        Duty.objects.filter(day__station__in=stations, day__date=day)
        .exclude(day__status=DayStatus.CANCELLED)
        .exclude(status=DutyStatus.ABSENT)
        .values_list("day__station_id", "deputy_id", "replaced_by_id")
    )
    station = None
    if duties:
        station = stations.filter(pk=duties[0][0]).first()
    if station is None:
        station = stations.order_by("pk").first()
    if station is None:
        return None, []
    on_duty = [replaced or deputy for sid, deputy, replaced in duties if sid == station.pk]
    return station, on_duty


class ReceptionForm(NormalizedFormMixin, forms.ModelForm):
    class Meta:
        model = Reception
        fields = [
            "station",
            "kind",
            "topic",
            "held_at",
            "deputies",
            "departments",
            "constituents_count",
            "notes",
        ]
        widgets = {
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "deputies": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        stations = recording_stations(actor)
        self.fields["station"].queryset = stations
        self.fields["deputies"].queryset = station_deputies(stations.values("pk"))
        self.fields["deputies"].widget = SearchableCheckboxes()
        self.fields["deputies"].widget.choices = self.fields["deputies"].choices
        self.fields["departments"].queryset = Department.objects.visible_to(actor).active()
        self.fields["departments"].required = False
        self.fields["kind"].initial = ReceptionKind.REGULAR
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["held_at"].initial = now
        if not self.is_bound:
            station, on_duty = reception_defaults(actor, stations, now.date())
            if station is not None:
                self.initial.setdefault("station", station.pk)
                self.initial.setdefault("deputies", on_duty)
        self.helper = _helper()
        self.helper.layout = Layout(
            Row(
                Column("station", css_class="col-md-6"),
                Column("kind", css_class="col-md-3"),
                Column("held_at", css_class="col-md-3"),
            ),
            "topic",
            Row(
                Column(
                    HTML(
                        format_html(
                            '<input type="search" class="form-control form-control-sm mb-1" '
                            'data-filter-checkboxes="div_id_deputies" placeholder="{}" '
                            'aria-label="{}">',
                            _("Find a deputy (name or pinyin)"),
                            _("Find a deputy (name or pinyin)"),
                        )
                    ),
                    "deputies",
                    css_class="col-md-6",
                ),
                Column("departments", css_class="col-md-6"),
            ),
            Row(
                Column("constituents_count", css_class="col-md-3"),
                Column("notes", css_class="col-md-9"),
            ),
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        station, deputies = data.get("station"), data.get("deputies")
        if station and deputies:
            allowed = set(station_deputies([station.pk]).values_list("pk", flat=True))
            wrong = [d.name for d in deputies if d.pk not in allowed]
            if wrong:
                self.add_error(
                    "deputies",
                    _("Not a deputy of this station: %(names)s") % {"names": "、".join(wrong)},
                )
        return data


class OpinionFields(SubmissionFormMixin, NormalizedFormMixin, forms.Form):
    """What a constituent said: shared by the reception form and the direct-entry form."""

    constituent_name = forms.CharField(label=_("Constituent's name"), max_length=32, required=False)
    phone = ExactCharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    id_number = ExactCharField(label=_("ID number (optional)"), max_length=18, required=False)
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    title = forms.CharField(label=_("Title"), max_length=120)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    location_text = forms.CharField(label=_("Location"), max_length=200, required=False)
    attachments = attachments_field(label=_("Attachments (images or PDF, up to 5)"))
    # Ours are 32 hex characters; the column holds 64 and room is left for a prefix.
    idempotency_key = ExactCharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, phone_history: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        if not phone_history:  # a part-time liaison may not see the constituent's earlier cases
            return
        # The constituent's earlier cases, looked up by the number as it is typed (htmx).
        self.fields["phone"].widget.attrs.update(
            {
                "hx-get": reverse("petitions:phone_history"),
                "hx-trigger": "input changed delay:500ms, change",
                "hx-target": "#phone-history",
                "hx-swap": "innerHTML",
                "autocomplete": "off",
            }
        )

    def clean_id_number(self) -> str:
        value = fold(self.cleaned_data["id_number"]).strip().upper()
        if value:
            validate_id_number(value)
        return value

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("is_anonymous") and not (data.get("constituent_name") or data.get("phone")):
            self.add_error(
                "constituent_name",
                _("Give the constituent's name or phone, or mark the opinion anonymous."),
            )
        return data

    def opinion_layout(self):
        return [
            Row(
                Column("constituent_name", css_class="col-md-3"),
                Column("phone", css_class="col-md-3"),
                Column("id_number", css_class="col-md-4"),
                Column("is_anonymous", css_class="col-md-2 pt-md-4"),
            ),
            HTML('<div id="phone-history" aria-live="polite"></div>'),
            "address",
            Row(Column("title", css_class="col-md-8"), Column("category", css_class="col-md-4")),
            "content",
            Row(
                Column("location_text", css_class="col-md-6"),
                Column("attachments", css_class="col-md-6"),
            ),
            "idempotency_key",
        ]


class ReceptionOpinionForm(OpinionFields):
    deputy = forms.ModelChoiceField(
        label=_("Deputy"), queryset=Deputy.objects.none(), required=False
    )

    def __init__(self, *args, reception: Reception, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = reception.deputies.order_by("name_pinyin")
        self.helper = _helper()
        layout = self.opinion_layout()
        layout.insert(3, "deputy")
        self.helper.layout = Layout(*layout)


class PetitionCreateForm(OpinionFields):
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none())
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (c.value, c.label)
            for c in (Channel.PHONE, Channel.LETTER, Channel.DEPUTY_VISIT, Channel.RECEPTION)
        ],
    )
    deputy = forms.ModelChoiceField(
        label=_("Deputy"), queryset=Deputy.objects.none(), required=False
    )

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        stations = managed_stations(actor)
        self.fields["station"].queryset = stations
        self.fields["deputy"].queryset = station_deputies(stations.values("pk"))
        self.helper = _helper()
        self.helper.layout = Layout(
            Row(
                Column("station", css_class="col-md-5"),
                Column("channel", css_class="col-md-3"),
                Column("deputy", css_class="col-md-4"),
            ),
            *self.opinion_layout(),
        )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        station, deputy = data.get("station"), data.get("deputy")
        if station and deputy and not station_deputies([station.pk]).filter(pk=deputy.pk).exists():
            self.add_error("deputy", _("This deputy is not grouped into the chosen station."))
        return data


# ---- action forms: each posts the version the page showed ------------------------------------


# Every free-text field of a loop action says who will read it (tests/petitions/
# test_public_privacy.py checks that internal text never reaches a public page).
INTERNAL, CONSTITUENT = "internal", "constituent"


def internal_note(label=None, *, rows: int = 0) -> forms.CharField:
    """Free text staff keep for themselves: never shown to the constituent."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    field = forms.CharField(
        label=label or _("Internal note"),
        required=False,
        widget=widget,
        help_text=_("Internal: not shown to the constituent."),
    )
    field.audience = INTERNAL
    return field


def public_message(label=None) -> forms.Field:
    """Free text addressed to the constituent, shown on their tracking page."""
    return shown_to_constituent(
        forms.CharField(
            label=label or _("Message to the constituent"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    )


def shown_to_constituent(field: forms.Field) -> forms.Field:
    field.help_text = _("Shown to the constituent on the tracking page.")
    field.audience = CONSTITUENT
    return field


def audience(field: forms.Field) -> str:
    """Who reads what is typed in a free-text field of an action: internal unless declared."""
    return getattr(field, "audience", INTERNAL)


class ActionForm(NormalizedFormMixin, forms.Form):
    """The form of one loop action; its fields are named like the service's arguments."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    done = _("Done.")

    def __init__(self, *args, petition: Petition, actor=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.petition, self.actor = petition, actor
        if not self.is_bound:
            self.initial["version"] = petition.version
        self.helper = _helper()

    def service_kwargs(self) -> dict:
        """The keyword arguments of the action's service, with the version the form showed (so
        a case changed meanwhile is refused)."""
        data = dict(self.cleaned_data)
        data["expected_version"] = data.pop("version")
        return data

    def done_message(self, result) -> str:
        return str(self.done)


class AcceptForm(ActionForm):
    note = internal_note()
    public_note = public_message()
    done = _("Accepted.")


class DeclineForm(ActionForm):
    reason = shown_to_constituent(
        forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    )
    done = _("Declined.")


class MergeForm(ActionForm):
    into = ExactCharField(label=_("Tracking code of the original case"), max_length=24)
    note = internal_note()

    def clean_into(self) -> Petition:
        from core.codes import normalize_code

        code = normalize_code(self.cleaned_data["into"])
        # This station's cases, or another station's of the same street (the service checks
        # the rights on both stations).
        original = (
            Petition.objects.visible_to(self.actor)
            .filter(tracking_code=code, station__region_id=self.petition.station.region_id)
            .exclude(pk=self.petition.pk)
            .select_related("station")
            .first()
        )
        if original is None:
            raise ValidationError(_("No other case of this station has that tracking code."))
        return original

    def done_message(self, result) -> str:
        return _("Merged into %(code)s.") % {"code": self.cleaned_data["into"].display_code}


def _category_choices(field: forms.Field) -> None:
    """The active categories (drawn from the per-process list, checked against the table)."""
    from .selectors import active_categories

    share_choices(Category.objects.filter(is_active=True), field, rows_from=active_categories)


class TriageForm(ActionForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    note = internal_note()
    done = _("Triaged.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _category_choices(self.fields["category"])
        if not self.is_bound:
            self.initial.update(
                category=self.petition.category_id,
                urgency=self.petition.urgency,
                tier=self.petition.tier,
            )


class ResolveForm(ActionForm):
    resolution = shown_to_constituent(
        forms.CharField(label=_("How it was settled"), widget=forms.Textarea(attrs={"rows": 3}))
    )
    done = _("Recorded as settled on the spot.")


# A deadline years ahead (9999-12-31 was accepted) means the case never escalates.
MAX_DEADLINE_DAYS = 366


def check_deadline(value):
    """A deadline from today up to a year ahead, or ValidationError."""
    today = timezone.localdate()
    if value < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    if (value - today).days > MAX_DEADLINE_DAYS:
        raise ValidationError(_("The deadline can be at most one year from today."))
    return value


class AssignForm(ActionForm):
    lead_department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none()
    )
    assisting_departments = forms.ModelMultipleChoiceField(
        label=_("Assisting departments"), queryset=Department.objects.none(), required=False
    )
    deadline = forms.DateField(
        label=_("Deadline (leave empty for the standard working-day limit)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = internal_note()
    public_note = public_message()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.visible_to(self.actor).active().select_related("region")
        share_choices(
            departments, self.fields["lead_department"], self.fields["assisting_departments"]
        )
        if not self.is_bound:
            # Pre-filled from the routing rule, with the deadline it gives shown before saving.
            from .routing.rules import assisting_ids, match, rule_deadline

            self.rule = match(self.petition) if self.petition.status == "triaged" else None
            if self.rule is not None:
                self.initial["lead_department"] = self.rule.lead_department_id
                self.initial["assisting_departments"] = assisting_ids(self.rule)
            deadline = rule_deadline(self.petition, self.rule)
            self.initial["deadline"] = deadline.isoformat()
            self.fields["deadline"].help_text = (
                _("Pre-filled from the routing rule “%(rule)s”: reply due by %(date)s.")
                % {"rule": self.rule, "date": deadline.isoformat()}
                if self.rule is not None
                else _("The standard limit gives %(date)s.") % {"date": deadline.isoformat()}
            )

    def clean_deadline(self):
        value = self.cleaned_data.get("deadline")
        return check_deadline(value) if value else value

    def clean(self):
        data = super().clean() or {}
        lead, assisting = data.get("lead_department"), data.get("assisting_departments")
        if lead and assisting and lead in assisting:
            self.add_error(
                "assisting_departments",
                _("The lead department cannot also be an assisting department."),
            )
        return data

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["assisting_departments"] = list(data["assisting_departments"])
        return data

    def done_message(self, result) -> str:
        return _("Assigned to %(dept)s, reply due by %(date)s.") % {
            "dept": result.lead_department,
            "date": result.deadline,
        }


class ReceiveForm(ActionForm):
    done = _("Signed for: the case is now being handled.")


class RouteForm(ActionForm):
    """A deputy hands the case to the department its routing rule names."""

    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    note = internal_note()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _category_choices(self.fields["category"])
        if not self.is_bound and self.petition.category_id:
            self.initial["category"] = self.petition.category_id

    def done_message(self, result) -> str:
        return _("Handed to %(dept)s, reply due by %(date)s.") % {
            "dept": result.lead_department,
            "date": result.deadline,
        }


class ReturnForm(ActionForm):
    reason = internal_note(_("Why the case does not belong to your department"), rows=2)
    done = _("Returned to the station.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True


class ExtensionRequestForm(ActionForm):
    requested_deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = internal_note(_("Reason"), rows=2)
    done = _("Extension requested.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = True

    def clean_requested_deadline(self):
        return check_deadline(self.cleaned_data["requested_deadline"])


class ExtensionDecideForm(ActionForm):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = internal_note()

    def done_message(self, result) -> str:
        approved = self.cleaned_data["approve"]
        return str(_("Extension approved.") if approved else _("Extension refused."))


class CannedSelect(forms.Select):
    """The department's canned replies; picking one fills the reply (static/js/canned.js)."""

    def __init__(self, texts: dict[str, tuple[str, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.texts:
            body, outcome = self.texts[str(value)]
            option["attrs"]["data-body"] = body
            option["attrs"]["data-outcome"] = outcome
        return option


class ReplyForm(ActionForm):
    canned = forms.ChoiceField(label=_("Start from a canned reply"), required=False)
    body = shown_to_constituent(
        forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}))
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReplyOutcome.choices, widget=forms.RadioSelect
    )
    attachments = attachments_field(label=_("Attachments (images or PDF, up to 5)"))
    done = _("Reply sent.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        lead = self.petition.lead_department_id
        canned = (
            list(CannedReply.objects.filter(department_id=lead).order_by("title")) if lead else []
        )
        if canned:
            texts = {str(c.pk): (c.body, c.outcome) for c in canned}
            field = self.fields["canned"]
            field.choices = [("", "—")] + [(str(c.pk), c.title) for c in canned]
            field.widget = CannedSelect(texts, choices=field.choices)
            field.widget.attrs["data-canned-for"] = "body"
        else:
            del self.fields["canned"]

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data.pop("canned", None)
        return data


class OpinionForm(ActionForm):
    body = internal_note(_("Opinion"), rows=3)
    attachments = attachments_field(label=_("Attachments (images or PDF, up to 5)"))
    done = _("Opinion added.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].required = True


class FeedbackForm(ActionForm):
    method = forms.ChoiceField(
        label=_("How the constituent was told"), choices=FeedbackMethod.choices
    )
    note = internal_note(rows=2)
    public_note = public_message()
    done = _("Feedback recorded.")


class RateDeputyForm(ActionForm):
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = internal_note(_("Comment"))
    done = _("Your rating was recorded.")


class RecordRatingForm(ActionForm):
    """A rating the constituent gave by phone or at a visit, written down by staff."""

    satisfaction = forms.ChoiceField(
        label=_("The constituent's rating"), choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    method = forms.ChoiceField(label=_("How they were asked"), choices=FeedbackMethod.choices)
    asked_on = forms.DateField(
        label=_("Asked on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    comment = internal_note(_("What they said"))
    done = _("The constituent's rating was recorded.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asked_on"].initial = timezone.localdate()


class PetitionFilterForm(NormalizedFormMixin, forms.Form):
    """The list's filters; the dashboard's drill-down links use the same parameters.

    Each figure of reports/rollups.py has a parameter with the same meaning, so a number on the
    dashboard and the rows behind its link agree. Station, region and the flags set by those
    links are hidden inputs shown as removable chips.
    """

    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    # Type-ahead fields: a province has 100k deputies and 10k stations (petitions.lookups).
    deputy = forms.ModelChoiceField(
        label=_("Deputy"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=TypeaheadWidget("petitions:lookup", ("deputy",)),
    )
    department = forms.ModelChoiceField(
        label=_("Lead department"),
        queryset=Department.objects.none(),
        required=False,
        widget=TypeaheadWidget("petitions:lookup", ("department",)),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), required=False)
    station = forms.ModelChoiceField(
        label=_("Station"),
        queryset=Station.objects.none(),
        required=False,
        widget=TypeaheadWidget("petitions:lookup", ("station",)),
    )
    # Set by drill-down links; shown as chips.
    region = forms.ModelChoiceField(
        queryset=Region.objects.none(), required=False, widget=forms.HiddenInput
    )
    assisting = forms.BooleanField(required=False, widget=forms.HiddenInput)
    assigned_from = forms.DateField(required=False, widget=forms.HiddenInput)
    assigned_to = forms.DateField(required=False, widget=forms.HiddenInput)
    accepted = forms.BooleanField(required=False, widget=forms.HiddenInput)
    assigned = forms.BooleanField(required=False, widget=forms.HiddenInput)
    replied = forms.BooleanField(required=False, widget=forms.HiddenInput)
    reopened = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # A tile of the to-do home (petitions/todo/tiles.py): the rows it counted.
    waiting = forms.ChoiceField(choices=TODO_CHOICES, required=False, widget=forms.HiddenInput)

    NOT_TRIAGED = "none"

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from .choices import Status

        self.fields["status"].choices = [("", _("All"))] + list(Status.choices)
        self.fields["tier"].choices = (
            [("", _("All"))] + list(Tier.choices) + [(self.NOT_TRIAGED, _("Not triaged"))]
        )
        self.fields["satisfaction"].choices = [("", _("All"))] + list(Satisfaction.choices)
        self.fields["category"].queryset = Category.objects.all()
        self.fields["deputy"].queryset = Deputy.objects.visible_to(actor)
        self.fields["department"].queryset = Department.objects.visible_to(actor)
        # A station or region outside the user's scope is "not a valid choice", exactly like
        # one that does not exist; the rows are intersected with visible_to anyway.
        self.fields["station"].queryset = Station.objects.visible_to(actor)
        self.fields["region"].queryset = Region.objects.visible_to(actor)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for low, high in (("submitted_from", "submitted_to"), ("assigned_from", "assigned_to")):
            if data.get(low) and data.get(high) and data[low] > data[high]:
                self.add_error(high, _("The end date is before the start date."))
        return data

    def chips(self) -> list[tuple[str | Promise, str]]:
        """The hidden filters in force: (label, the query string without that filter)."""
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return []
        d = self.cleaned_data
        out: list[tuple[str | Promise, list[str]]] = []
        if d.get("station"):
            out.append((_("Station: %(s)s") % {"s": d["station"].name}, ["station"]))
        if d.get("region"):
            out.append((_("Region: %(r)s") % {"r": d["region"].name}, ["region"]))
        if d.get("department") and d.get("assisting"):
            out.append((_("Including cases it assists on"), ["assisting"]))
        if d.get("assigned_from") or d.get("assigned_to"):
            out.append(
                (
                    _("Assigned %(a)s – %(b)s")
                    % {"a": d.get("assigned_from") or "…", "b": d.get("assigned_to") or "…"},
                    ["assigned_from", "assigned_to"],
                )
            )
        flags = {
            "accepted": _("Accepted (taken up)"),
            "assigned": _("Handed to a department"),
            "replied": _("Replied by a department"),
            "reopened": _("Reopened at least once"),
        }
        out += [(str(label), [name]) for name, label in flags.items() if d.get(name)]
        if d.get("waiting"):
            out.append((str(TODO_TILES[d["waiting"]].label), ["waiting"]))
        chips = []
        for label, names in out:
            query = cast(QueryDict, self.data).copy()
            for name in [*names, "page"]:
                query.pop(name, None)
            chips.append((label, query.urlencode()))
        return chips


class CannedReplyForm(NormalizedFormMixin, forms.Form):
    """A department's canned reply: a title to pick it by, the text and its usual outcome."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    title = forms.CharField(label=_("Title"), max_length=80)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.ChoiceField(
        label=_("Usual outcome"), choices=[("", "—"), *ReplyOutcome.choices], required=False
    )

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(pk__in=roles_of(actor).handler_department_ids)
        self.fields["department"].queryset = departments
        if departments.count() == 1:
            self.fields["department"].initial = departments.first()
        self.helper = _helper()
        self.helper.form_tag = False


class RoutingRuleForm(NormalizedFormMixin, forms.ModelForm):
    """A routing rule kept by a clerk or an administrator."""

    class Meta:
        model = RoutingRule
        fields = [
            "region",
            "category",
            "keyword",
            "lead_department",
            "assisting_departments",
            "reply_days",
        ]

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = roles_of(actor)
        regions = Region.objects.visible_to(actor).order_by("path")
        if not roles.is_admin:
            regions = regions.filter(region_paths_q(roles.clerk_region_paths, "path"))
        self.fields["region"].queryset = regions
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        departments = Department.objects.visible_to(actor).active()
        self.fields["lead_department"].queryset = departments
        self.fields["assisting_departments"].queryset = departments
        self.fields["assisting_departments"].required = False
        self.helper = _helper()
