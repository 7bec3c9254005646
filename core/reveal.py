"""Showing one masked value in full, with an audit row (core.models.PersonalDataReveal)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import PersonalDataReveal, RevealReason


class RevealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you need the full number?"), choices=RevealReason.choices
    )


def personal_data_reveal(
    *, actor: Any, subject: Any, field: str, reason: str, allowed: bool
) -> str:
    """The full value of ``subject.<field>`` for ``actor``, recorded; ``allowed`` is the
    caller's right check, repeated here so no path shows the value without it."""
    if not allowed:
        raise PermissionDenied
    if reason not in RevealReason.values:
        raise PermissionDenied
    PersonalDataReveal.objects.create(
        user=actor,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=subject.pk,
        field=field,
        reason=reason,
    )
    return str(getattr(subject, field) or "")
