"""Every write to the registry: stations, regions, departments and the Excel import."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.roles import roles_of

from .choices import RegionLevel, StationKind
from .models import Department, Region, Station
from .paths import in_region_paths

PLACEMENT_FIELDS = ("region", "parent", "kind")
LEVEL_ORDER = [value for value, _label in RegionLevel.choices]


def check_station_tree(*, station: Station | None, region: Region, parent: Station | None) -> None:
    """Raise ValidationError when a parent would make a loop or sit outside the station's region."""
    if parent is None:
        return
    if station is not None and station.pk is not None:
        node: Station | None = parent
        seen: set[int] = set()
        while node is not None and node.pk not in seen:
            if node.pk == station.pk:
                raise ValidationError(
                    {
                        "parent": _(
                            "A station cannot be placed under itself or one of its own rooms."
                        )
                    }
                )
            seen.add(node.pk)
            node = node.parent
    if not region.path.startswith(parent.region.path):
        raise ValidationError(
            {
                "parent": _(
                    "The parent station is in %(parent)s; a station under it must be in that "
                    "region or below it."
                )
                % {"parent": parent.region.name}
            }
        )


def can_place_station(actor, *, region: Region, parent: Station | None, kind: str) -> bool:
    """May the actor have a station of this kind in this region under this parent?"""
    roles = roles_of(actor)
    if roles.is_admin:
        return True
    editable = Station.objects.editable_by(actor)
    parent_ok = parent is None or editable.filter(pk=parent.pk).exists()
    if in_region_paths(region.path, roles.clerk_region_paths) and parent_ok:
        return True
    # Station staff may add rooms and points under their own station, inside its region.
    return (
        roles.is_staff_member
        and parent is not None
        and parent_ok
        and kind != StationKind.HOME
        and region.path.startswith(parent.region.path)
    )


@transaction.atomic
def station_create(*, actor, fields: dict[str, Any]) -> Station:
    """Create a station after checking the actor may place it there."""
    station = Station(**fields)
    check_station_tree(station=None, region=station.region, parent=station.parent)
    if not can_place_station(
        actor, region=station.region, parent=station.parent, kind=station.kind
    ):
        raise PermissionDenied(_("You may not create a station there."))
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def station_update(*, actor, station: Station, fields: dict[str, Any]) -> Station:
    """Change a station's record; moving it needs the right to place it at the new spot."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    if not Station.objects.editable_by(actor).filter(pk=station.pk).exists():
        raise PermissionDenied(_("You may not change this station."))
    moved = any(
        name in fields and getattr(station, name) != fields[name] for name in PLACEMENT_FIELDS
    )
    for name, value in fields.items():
        setattr(station, name, value)
    check_station_tree(station=station, region=station.region, parent=station.parent)
    if moved and not can_place_station(
        actor, region=station.region, parent=station.parent, kind=station.kind
    ):
        raise PermissionDenied(_("You may not move this station there."))
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def region_create(*, actor, name: str, code: str, level: str, parent: Region | None) -> Region:
    """Add a region (usually a street or community under a district); administrators only."""
    if not roles_of(actor).is_admin:
        raise PermissionDenied(_("Only administrators may add regions."))
    if parent is None and level != RegionLevel.PROVINCE:
        raise ValidationError({"parent": _("Only a province may be added without a parent.")})
    if parent is not None and LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(parent.level):
        raise ValidationError(
            {
                "level": _("The level must be below the parent's level (%(level)s).")
                % {"level": parent.get_level_display()}
            }
        )
    region = Region(name=name, code=code, level=level, parent=parent)
    region.full_clean(exclude=["path"])
    region.save()
    return region


def _check_department_region(actor, region: Region) -> None:
    roles = roles_of(actor)
    if roles.is_admin:
        return
    if not in_region_paths(region.path, roles.clerk_region_paths):
        raise PermissionDenied(_("You may only manage departments in your own area."))


@transaction.atomic
def department_create(*, actor, fields: dict[str, Any]) -> Department:
    """Create a handling department in the actor's area."""
    department = Department(**fields)
    _check_department_region(actor, department.region)
    department.full_clean()
    department.save()
    return department


@transaction.atomic
def department_update(*, actor, department: Department, fields: dict[str, Any]) -> Department:
    """Change a department; a clerk may neither edit nor move one outside their area."""
    department = Department.objects.select_for_update().get(pk=department.pk)
    if not Department.objects.editable_by(actor).filter(pk=department.pk).exists():
        raise PermissionDenied(_("You may not change this department."))
    for name, value in fields.items():
        setattr(department, name, value)
    _check_department_region(actor, department.region)
    department.full_clean()
    department.save()
    return department
