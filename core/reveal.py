"""Showing one masked value in full, with an audit row (core.models.PersonalDataReveal)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import ASKED_REVEAL_REASONS, PersonalDataReveal, RevealReason


class RevealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you need the full number?"), choices=ASKED_REVEAL_REASONS
    )


def personal_data_reveal(
    *, actor: Any, subject: Any, field: str, reason: str, allowed: bool
) -> str:
    """The full value of ``subject.<field>`` for ``actor``, recorded; ``allowed`` is the
    caller's right check, repeated here so no path shows the value without it."""
    if not allowed:
        raise PermissionDenied
    if reason not in dict(ASKED_REVEAL_REASONS):
        raise PermissionDenied
    PersonalDataReveal.objects.create(
        user=actor,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=subject.pk,
        field=field,
        reason=reason,
    )
    return str(getattr(subject, field) or "")


def reveal_from_post(request: Any, *, subject: Any, field: str, allowed: bool) -> str | None:
    """The "show full number" button's POST: the value, recorded, or None with an error message
    when no reason was chosen (the caller then redirects back). One helper for every page that
    shows a masked value on request (deputies, cases, paired constituents)."""
    if not allowed:
        raise PermissionDenied
    form = RevealForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Say why you need the full number."))
        return None
    return personal_data_reveal(
        actor=request.user,
        subject=subject,
        field=field,
        reason=form.cleaned_data["reason"],
        allowed=allowed,
    )


def export_reveals(*, actor: Any, subjects: Iterable[Any], field: str) -> int:
    """Record that an export gave ``actor`` the full ``field`` of each of ``subjects``: one
    audit row per person (reason "export"), as if each number had been shown. The caller has
    already checked the right for each row it wrote in full."""
    rows = [
        PersonalDataReveal(
            user=actor,
            subject_type=ContentType.objects.get_for_model(type(subject)),
            subject_id=subject.pk,
            field=field,
            reason=RevealReason.EXPORT,
        )
        for subject in subjects
    ]
    PersonalDataReveal.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
