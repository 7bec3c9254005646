"""Writes on the deputy registry: deputies and their station assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.roles import roles_of
from stations.models import Station

from .models import Deputy, StationAssignment
from .rights import can_edit_deputy, can_manage_deputies

DEPUTY_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "level",
    "term",
    "constituency",
    "occupation",
    "sector",
    "phone",
    "photo",
    "is_active",
)


class AssignmentError(DomainError):
    """An assignment change that breaks a rule; the message is shown to the user."""


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned = {k: v for k, v in data.items() if k in DEPUTY_FIELDS}
    # A form answers None for "no upload" and False for "clear the photo".
    if "photo" in cleaned and not cleaned["photo"]:
        cleaned["photo"] = ""
    return cleaned


def _check_station(actor, station: Station) -> None:
    if not Station.objects.editable_by(actor).filter(pk=station.pk).exists():
        raise PermissionDenied(_("You may not assign deputies to this station."))


@transaction.atomic
def deputy_create(
    *,
    actor,
    data: dict[str, Any],
    station: Station | None = None,
    start_date: dt.date | None = None,
) -> Deputy:
    """Register a deputy, grouped into ``station`` as their primary station."""
    if not can_manage_deputies(actor):
        raise PermissionDenied(_("You may not register deputies."))
    if station is None:
        # Only an administrator may register a deputy outside every station.
        if not roles_of(actor).is_admin:
            raise PermissionDenied(_("Choose the station the deputy belongs to."))
    else:
        _check_station(actor, station)
    deputy = Deputy(**_clean_data(data))
    deputy.full_clean(exclude=["photo"])
    deputy.save()
    if station is not None:
        StationAssignment.objects.create(
            deputy=deputy,
            station=station,
            is_primary=True,
            start_date=start_date or timezone.localdate(),
        )
    return deputy


@transaction.atomic
def deputy_update(*, actor, deputy: Deputy, data: dict[str, Any]) -> Deputy:
    """Change a deputy's record."""
    if not can_edit_deputy(actor, deputy):
        raise PermissionDenied(_("You may not change this deputy."))
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    changed = []
    for field, value in _clean_data(data).items():
        if getattr(deputy, field) != value:
            setattr(deputy, field, value)
            changed.append(field)
    if changed:
        deputy.save(update_fields=changed)
    return deputy


@transaction.atomic
def assignment_add(
    *, actor, deputy: Deputy, station: Station, is_primary: bool, start_date: dt.date
) -> StationAssignment:
    """Group a deputy into one more station (or their primary one)."""
    if not can_edit_deputy(actor, deputy):
        raise PermissionDenied(_("You may not change this deputy."))
    _check_station(actor, station)
    # Lock the deputy so two clerks adding a primary at once queue up instead of racing.
    Deputy.objects.select_for_update().filter(pk=deputy.pk).first()
    current = StationAssignment.objects.filter(deputy=deputy, end_date__isnull=True)
    if is_primary and current.filter(is_primary=True).exists():
        raise AssignmentError(
            _("%(name)s already has a current primary station. End it before adding a new one.")
            % {"name": deputy.name}
        )
    if current.filter(station=station).exists():
        raise AssignmentError(
            _("%(name)s is already assigned to %(station)s.")
            % {"name": deputy.name, "station": station.name}
        )
    try:
        # The constraints are the last word; the savepoint keeps the outer transaction usable.
        with transaction.atomic():
            return StationAssignment.objects.create(
                deputy=deputy, station=station, is_primary=is_primary, start_date=start_date
            )
    except IntegrityError:
        raise AssignmentError(
            _("This assignment conflicts with a current one; nothing was changed.")
        ) from None


@transaction.atomic
def assignment_end(
    *, actor, assignment: StationAssignment, end_date: dt.date | None = None
) -> StationAssignment:
    """Close an assignment: the deputy leaves that station on ``end_date``."""
    _check_station(actor, assignment.station)
    assignment = StationAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.end_date is not None:
        raise AssignmentError(_("This assignment has already ended."))
    end_date = end_date or timezone.localdate()
    if end_date < assignment.start_date:
        raise AssignmentError(_("The end date cannot be before the start date."))
    assignment.end_date = end_date
    assignment.save(update_fields=["end_date"])
    return assignment
