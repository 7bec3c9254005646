"""Writes on the deputy registry: deputies and their station assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.changes import diff, field_label, msgid, record_change
from core.errors import DomainError
from core.models import ChangeAction
from core.roles import roles_of
from stations.models import Station

from .choices import DeputyLevel
from .models import Deputy, DeputyTerm, StationAssignment
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


# --- Terms (届) -----------------------------------------------------------------------------

TERM_TOPIC = "deputies.terms"


def may_set_terms(user, deputy: Deputy) -> bool:
    """Clerks over the deputy (and administrators) keep the deputy's terms."""
    roles = roles_of(user)
    if roles.is_admin:
        return True
    return roles.is_clerk and Deputy.objects.visible_to(user).filter(pk=deputy.pk).exists()


def _term_lines(before: DeputyTerm | None, after: DeputyTerm | None) -> list[dict | None]:
    """One line per field of the term; level labels kept untranslated (core.changes)."""

    def value(term: DeputyTerm | None, name: str):
        if term is None:
            return None
        if name == "level":
            return msgid(DeputyLevel(term.level).label)
        return getattr(term, name)

    return [
        diff(field_label(DeputyTerm, n), value(before, n), value(after, n)) for n in TERM_FIELDS
    ]


def _check_term(deputy: Deputy, term: DeputyTerm | None, fields: dict[str, Any]) -> None:
    """End after start; no two terms of one deputy at one level overlap."""
    start, end, level = fields["start"], fields["end"], fields["level"]
    if level not in DeputyLevel.values:
        raise ValidationError({"level": _("Choose the level.")})
    number = fields.get("number")
    if number is not None and not 1 <= number <= 99:
        raise ValidationError({"number": _("A term number is between 1 and 99.")})
    if end <= start:
        raise ValidationError({"end": _("The term must end after it starts.")})
    others = DeputyTerm.objects.filter(deputy=deputy, level=level, start__lte=end, end__gte=start)
    if term is not None:
        others = others.exclude(pk=term.pk)
    overlapping = others.first()
    if overlapping is not None:
        raise ValidationError(
            _(
                "%(name)s already has a term at this level from %(start)s to %(end)s; "
                "terms of one deputy at one level cannot overlap."
            )
            % {
                "name": deputy.name,
                "start": f"{overlapping.start:%Y-%m-%d}",
                "end": f"{overlapping.end:%Y-%m-%d}",
            }
        )


TERM_FIELDS = ("level", "number", "start", "end")


@transaction.atomic
def term_save(
    *, actor, deputy: Deputy, fields: dict[str, Any], term: DeputyTerm | None = None
) -> DeputyTerm:
    """Record a deputy's term (届) or correct one; the deputy row is locked so two clerks
    cannot add overlapping terms at once."""
    deputy = Deputy.objects.select_for_update().get(pk=deputy.pk)
    if not may_set_terms(actor, deputy):
        raise PermissionDenied(_("You may not change this deputy's terms."))
    fields = {k: fields.get(k) for k in TERM_FIELDS}
    if term is not None:
        term = DeputyTerm.objects.select_for_update().get(pk=term.pk, deputy=deputy)
    _check_term(deputy, term, fields)
    before = DeputyTerm(**{k: getattr(term, k) for k in TERM_FIELDS}) if term else None
    if term is None:
        term = DeputyTerm.objects.create(deputy=deputy, **fields)
        action = ChangeAction.CREATED
    else:
        for k, v in fields.items():
            setattr(term, k, v)
        term.save(update_fields=list(TERM_FIELDS))
        action = ChangeAction.CHANGED
    record_change(
        actor=actor,
        subject=deputy,
        topic=TERM_TOPIC,
        action=action,
        summary=f"{term.start:%Y-%m-%d}–{term.end:%Y-%m-%d}",
        changes=_term_lines(before, term),
    )
    return term


@transaction.atomic
def term_delete(*, actor, term: DeputyTerm) -> None:
    deputy = Deputy.objects.select_for_update().get(pk=term.deputy_id)
    if not may_set_terms(actor, deputy):
        raise PermissionDenied(_("You may not change this deputy's terms."))
    term = DeputyTerm.objects.select_for_update().get(pk=term.pk)
    lines = _term_lines(term, None)
    summary = f"{term.start:%Y-%m-%d}–{term.end:%Y-%m-%d}"
    term.delete()
    record_change(
        actor=actor,
        subject=deputy,
        topic=TERM_TOPIC,
        action=ChangeAction.DELETED,
        summary=summary,
        changes=lines,
    )
