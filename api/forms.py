"""The pages' forms: create an integration (key shown once)."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.input import NormalizedFormMixin
from core.roles import roles_of
from stations.models import Region
from stations.paths import region_paths_q

from .models import Access, ExternalPlatform


class IntegrationForm(NormalizedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        help_text=_("The key sees the cases, stations and figures of this region and below."),
    )
    access = forms.ChoiceField(label=_("Access"), choices=Access.choices, initial=Access.READ)
    can_see_pii = forms.BooleanField(
        label=_("May see phone and ID numbers"),
        required=False,
        help_text=_("Without this right, phones and ID numbers are masked in every answer."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for a key without expiry; the key stops at the end of this day."),
    )

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        roles = roles_of(user)
        regions = Region.objects.all()
        if not roles.is_admin:
            regions = regions.filter(region_paths_q(roles.clerk_region_paths))
        self.fields["region"].queryset = regions.order_by("path")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def expires_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(end)


class ForwardForm(forms.Form):
    platform: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("External platform"), queryset=ExternalPlatform.objects.none()
    )

    def __init__(self, *args, platforms=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = platforms
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
