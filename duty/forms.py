"""Forms of the duty pages (crispy; the services check everything again)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, fields_helper
from core.input import NormalizedFormMixin
from core.widgets import TypeaheadWidget
from petitions.attachments import attachments_field
from stations.models import Station

from . import services
from .choices import ActivityKind


class ActivityForm(NormalizedFormMixin, forms.Form):
    """What a deputy reports: the activity, when, what happened, and photos or a file."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    date = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Read by your station's staff and the standing committee's clerks; a duty story "
            "reaches the public page only if you tick the box below and the station publishes it."
        ),
    )
    wants_publication = forms.BooleanField(
        label=_("Publish this duty story on the station's public page as “代表风采”"),
        required=False,
    )
    evidence = attachments_field(
        label=_("Photos or a file"),
        required=False,
        help_text=_("Up to five JPEG, PNG or WebP photos or PDF documents, 10 MB each."),
    )

    def __init__(self, *args, actor, activity=None, **kwargs) -> None:
        if activity is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = {name: getattr(activity, name) for name in services.EDITABLE}
        super().__init__(*args, **kwargs)
        self.actor, self.activity = actor, activity
        self.helper = fields_helper()

    def save(self):
        files = self.cleaned_data.get("evidence") or []
        if self.activity is None:
            return services.activity_file(actor=self.actor, fields=self.cleaned_data, files=files)
        return services.activity_resubmit(
            actor=self.actor, activity=self.activity, fields=self.cleaned_data, files=files
        )


class _ActionForm(NormalizedFormMixin, forms.Form):
    done_message = _("Saved.")

    def __init__(self, *args, activity, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.activity, self.actor = activity, actor
        self.helper = fields_helper()


class ApproveForm(_ActionForm):
    done_message = _("Approved: the activity now counts on the deputy's record.")
    publish = forms.BooleanField(
        label=_("Publish the story on the station's public page (the deputy asked for it)"),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not (self.activity.kind == ActivityKind.STORY and self.activity.wants_publication):
            del self.fields["publish"]

    def perform(self):
        return services.activity_approve(
            actor=self.actor,
            activity=self.activity,
            publish=bool(self.cleaned_data.get("publish")),
        )


class ReturnForm(_ActionForm):
    done_message = _("Returned to the deputy with your reason.")
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def perform(self):
        return services.activity_return(
            actor=self.actor, activity=self.activity, reason=self.cleaned_data["reason"]
        )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)


class StationFilterForm(forms.Form):
    """*Who is behind*'s station filter: a type-ahead (a province has 10k stations), limited to
    the stations the user may edit; an unknown or foreign id filters nothing."""

    station = forms.ModelChoiceField(
        label=_("Station"),
        queryset=Station.objects.none(),
        required=False,
        widget=TypeaheadWidget("petitions:lookup", ("station",), attrs={"id": "id_station"}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = Station.objects.editable_by(user).only("pk", "name")

    @property
    def chosen(self) -> Station | None:
        return self.cleaned_data.get("station") if self.is_valid() else None


class RuleForm(NormalizedFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Rule"),
        max_length=200,
        help_text=_("Published on the station's public page and poster as typed."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()


class PlanItemForm(NormalizedFormMixin, forms.Form):
    date = forms.DateField(label=_("Planned for"), widget=DateInput)
    title = forms.CharField(
        label=_("Activity"), max_length=200, help_text=_("Published on the station's public page.")
    )
    note = forms.CharField(
        label=_("Internal note"),
        max_length=300,
        required=False,
        help_text=_("For the station's staff and the clerks; never published."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()


class AssessmentForm(NormalizedFormMixin, forms.Form):
    floor_area = forms.DecimalField(
        label=_("Floor area measured (m²)"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=1,
        help_text=_("Empty: the station record's floor area is used. The standard is 60 m²."),
    )
    note = forms.CharField(
        label=_("Assessor's notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Internal; never published."),
    )
    award = forms.CharField(
        label=_("Award"),
        required=False,
        max_length=100,
        help_text=_("e.g. 最美人大代表联络站; public once published."),
    )
    award_published = forms.BooleanField(
        label=_("Publish the award on the station's public page"), required=False
    )
    photos = attachments_field(label=_("Photos as evidence"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_helper()


class QuotaForm(NormalizedFormMixin, forms.Form):
    """A region's own quantity per "八个一" item; an empty box inherits from above."""

    def __init__(self, *args, rows, **kwargs) -> None:
        from .quotas import quantity_error

        self._error = quantity_error
        kwargs.setdefault("initial", {r.item.code: r.own for r in rows})
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[row.item.code] = forms.IntegerField(
                label=row.item.label,
                required=False,
                widget=forms.NumberInput(
                    attrs={"placeholder": row.inherited, "class": "form-control-sm", "step": 1}
                ),
            )
        self.helper = fields_helper()

    def clean(self) -> dict:
        data = super().clean() or {}
        for row in self.rows:
            message = self._error(row.item, data.get(row.item.code))
            if message:
                self.add_error(row.item.code, message)
        return data

    def bound_rows(self):
        return [(row, self[row.item.code]) for row in self.rows]


class SchemeForm(NormalizedFormMixin, forms.Form):
    """A points scheme: its region (when new), name, year, and points per item with a cap."""

    name = forms.CharField(label=_("Name"), max_length=100)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        help_text=_("The year the scheme scores; empty: every year without a scheme of its own."),
    )
    activate = forms.BooleanField(
        label=_("Activate it for its region and year (replaces the scheme active there)"),
        required=False,
    )

    def __init__(self, *args, regions=None, scheme=None, **kwargs) -> None:
        from .items import ITEMS
        from .schemes import current_rows

        if scheme is not None and not args and "data" not in kwargs:
            rows = current_rows(scheme)
            initial = {"name": scheme.name, "year": scheme.year}
            for code, (weight, cap) in rows.items():
                initial[f"w_{code}"] = weight.normalize()
                initial[f"c_{code}"] = cap
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"] = forms.ModelChoiceField(label=_("Region"), queryset=regions)
            self.order_fields(["region", "name", "year"])
        if scheme is not None:
            del self.fields["activate"]
        self.items = ITEMS
        for item in ITEMS:
            self.fields[f"w_{item.code}"] = forms.DecimalField(
                label=str(item.label), required=False, max_digits=5, decimal_places=1
            )
            self.fields[f"c_{item.code}"] = forms.IntegerField(
                label=_("counted at most"), required=False
            )
        self.helper = fields_helper()

    def rows(self) -> dict:
        data = self.cleaned_data
        return {
            item.code: (data[f"w_{item.code}"], data.get(f"c_{item.code}"))
            for item in self.items
            if data.get(f"w_{item.code}") is not None
        }

    def clean(self) -> dict:
        from .schemes import row_errors

        data = super().clean() or {}
        if self.errors:
            return data
        for code, message in row_errors(self.rows()).items():
            self.add_error(f"w_{code}", message)
        return data

    def item_rows(self):
        return [(item, self[f"w_{item.code}"], self[f"c_{item.code}"]) for item in self.items]
