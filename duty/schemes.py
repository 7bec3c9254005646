"""Writes on points schemes (履职积分) from the clerks' pages: create a scheme for a region,
edit its name, year and weights per item, activate it for its region and year.

A region has at most one active scheme per year (and one for every year, ``year`` empty): the
database says so, and activating a scheme here first retires the one it replaces, in the same
transaction. Every change is recorded (core.changes) on the scheme.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.changes import diff, field_label, msgid, record_change
from core.models import ChangeAction
from stations.models import Region

from .items import BY_CODE, ITEMS
from .models import PointsRow, PointsScheme

TOPIC = "duty.points"
MAX_WEIGHT = Decimal("100")
MAX_CAP = 366
NOT_COUNTED = gettext_lazy("not counted")

# item -> (weight, cap); an item left out counts for nothing.
Rows = dict[str, tuple[Decimal, int | None]]


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def may_edit(user, region: Region) -> bool:
    return Region.objects.covered_by(user).filter(pk=region.pk).exists()


def row_errors(rows: Rows) -> dict[str, str]:
    """What is wrong with the weights typed, per item (the form shows the same messages)."""
    errors = {}
    for code, (weight, cap) in rows.items():
        if code not in BY_CODE:
            errors[code] = _("Unknown item.")
        elif weight < 0:
            errors[code] = _("Points cannot be negative.")
        elif weight > MAX_WEIGHT:
            errors[code] = _("At most %(n)s points for one item.") % {"n": MAX_WEIGHT}
        elif cap is not None and not 1 <= cap <= MAX_CAP:
            errors[code] = _("Count between 1 and %(n)d of an item a year, or leave it empty.") % {
                "n": MAX_CAP
            }
    return errors


def _check(name: str, year: int | None, rows: Rows) -> str:
    name = name.strip()
    errors: dict[str, str] = row_errors(rows)
    if not name:
        errors["name"] = _("Give the scheme a name.")
    if year is not None and not 2000 <= year <= 2100:
        errors["year"] = _("Enter a year between 2000 and 2100, or leave it empty.")
    if not rows and not errors:
        errors["__all__"] = _("Give at least one item points.")
    if errors:
        raise ValidationError(errors)
    return name


def _take_over(actor, scheme: PointsScheme) -> PointsScheme | None:
    """Retire the scheme active for the same region and year, so ``scheme`` may be active."""
    other = (
        PointsScheme.objects.select_for_update()
        .filter(region_id=scheme.region_id, year=scheme.year, is_active=True)
        .exclude(pk=scheme.pk)
        .first()
    )
    if other is not None:
        other.is_active = False
        other.save(update_fields=["is_active"])
        record_change(
            actor=actor,
            subject=other,
            topic=TOPIC,
            changes=[diff(field_label(PointsScheme, "is_active"), True, False)],
            summary=scheme.name,
        )
    return other


def _shown(row: tuple[Decimal, int | None] | None) -> str:
    """A row as the change record keeps it: "2" points each, "2 (≤24)" with a cap."""
    if row is None:
        return msgid(NOT_COUNTED)
    weight = format(row[0].normalize(), "f")
    return weight if row[1] is None else f"{weight} (≤{row[1]})"


def _row_lines(old: Rows, new: Rows) -> list[dict | None]:
    return [
        diff(item.label, _shown(old.get(item.code)), _shown(new.get(item.code))) for item in ITEMS
    ]


def _write_rows(scheme: PointsScheme, rows: Rows) -> None:
    PointsRow.objects.filter(scheme=scheme).exclude(item__in=list(rows)).delete()
    for code, (weight, cap) in rows.items():
        PointsRow.objects.update_or_create(
            scheme=scheme, item=code, defaults={"weight": weight, "cap": cap}
        )


def current_rows(scheme: PointsScheme) -> Rows:
    return {r.item: (r.weight, r.cap) for r in scheme.rows.all()}


@transaction.atomic
def scheme_create(
    *,
    actor,
    region: Region,
    name: str,
    year: int | None,
    rows: Rows,
    activate: bool = False,
) -> tuple[PointsScheme, PointsScheme | None]:
    """A new scheme for ``region``; active at once if asked (retiring the one it replaces).
    Returns the scheme and the one retired, if any."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    _require(may_edit(actor, region))
    name = _check(name, year, rows)
    scheme = PointsScheme(region=region, name=name, year=year, is_active=False)
    scheme.save()
    _write_rows(scheme, rows)
    retired = None
    if activate:
        retired = _take_over(actor, scheme)
        scheme.is_active = True
        scheme.save(update_fields=["is_active"])
    record_change(
        actor=actor,
        subject=scheme,
        topic=TOPIC,
        action=ChangeAction.CREATED,
        summary=name,
        changes=_row_lines({}, rows),
    )
    return scheme, retired


@transaction.atomic
def scheme_update(
    *, actor, scheme: PointsScheme, name: str, year: int | None, rows: Rows
) -> tuple[PointsScheme, PointsScheme | None]:
    """Change a scheme's name, year and weights; an active scheme moved to a year that has
    an active scheme already takes that year over."""
    scheme = PointsScheme.objects.select_for_update().select_related("region").get(pk=scheme.pk)
    _require(may_edit(actor, scheme.region))
    name = _check(name, year, rows)
    old_rows = current_rows(scheme)
    old_name, old_year = scheme.name, scheme.year
    scheme.name, scheme.year = name, year
    retired = _take_over(actor, scheme) if scheme.is_active and year != old_year else None
    scheme.save(update_fields=["name", "year"])
    _write_rows(scheme, rows)
    record_change(
        actor=actor,
        subject=scheme,
        topic=TOPIC,
        changes=[
            diff(field_label(PointsScheme, "name"), old_name, name),
            diff(field_label(PointsScheme, "year"), old_year, year),
            *_row_lines(old_rows, rows),
        ],
    )
    return scheme, retired


@transaction.atomic
def scheme_activate(
    *, actor, scheme: PointsScheme, active: bool = True
) -> tuple[PointsScheme, PointsScheme | None]:
    """Make the scheme the one in force for its region and year (or retire it)."""
    scheme = PointsScheme.objects.select_for_update().select_related("region").get(pk=scheme.pk)
    _require(may_edit(actor, scheme.region))
    if scheme.is_active == active:
        return scheme, None
    retired = _take_over(actor, scheme) if active else None
    scheme.is_active = active
    scheme.save(update_fields=["is_active"])
    record_change(
        actor=actor,
        subject=scheme,
        topic=TOPIC,
        changes=[diff(field_label(PointsScheme, "is_active"), not active, active)],
    )
    return scheme, retired
