"""Stations to and from Excel: the column set, the export rows, and a validating import.

The import runs in two steps: ``parse_stations`` checks every row and reports each bad one with
its Excel row number; ``stations_import`` re-checks the same file and writes everything in one
transaction, or nothing at all if any row is bad.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.excel import BadWorkbook, ImportReport, RowError, read_rows
from core.roles import roles_of

from .choices import StationKind
from .models import Region, Station
from .paths import in_region_paths
from .rights import can_import_stations

# (key, header msgid); the header row is translated into the user's language.
COLUMNS = (
    ("name", gettext_lazy("Name")),
    ("kind", gettext_lazy("Kind")),
    ("region_code", gettext_lazy("Region code")),
    ("parent", gettext_lazy("Parent station")),
    ("address", gettext_lazy("Address")),
    ("latitude", gettext_lazy("Latitude")),
    ("longitude", gettext_lazy("Longitude")),
    ("floor_area", gettext_lazy("Floor area (m²)")),
    ("opening_hours", gettext_lazy("Opening hours")),
    ("contact_phone", gettext_lazy("Contact phone")),
    ("is_active", gettext_lazy("Active")),
)
WIDTHS = (30, 14, 14, 30, 40, 12, 12, 12, 30, 16, 8)
YES = {"1", "true", "yes", "y", "是", "√", "✓", "启用", "有"}
NO = {"0", "false", "no", "n", "否", "×", "停用", "无"}


def headers() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def _headers_in_every_language() -> list[list[str]]:
    """A file made while the site spoke Chinese still imports after switching to English."""
    variants = [headers()]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if headers() not in variants:
                variants.append(headers())
    return variants


def _kind_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in StationKind.choices:
                lookup[str(label).strip().lower()] = value
    for value, _label in StationKind.choices:
        lookup[value] = value
    return lookup


def export_rows(stations: Iterable[Station]) -> Iterator[list]:
    for s in stations:
        yield [
            s.name,
            s.get_kind_display(),
            s.region.code,
            s.parent.name if s.parent else "",
            s.address,
            float(s.latitude) if s.latitude is not None else "",
            float(s.longitude) if s.longitude is not None else "",
            float(s.floor_area) if s.floor_area is not None else "",
            s.opening_hours,
            s.contact_phone,
            _("Yes") if s.is_active else _("No"),
        ]


@dataclass
class PendingStation:
    """A checked row: the station to create, and the name of a parent defined in the same file."""

    row: int
    station: Station
    parent_in_file: str = ""


def _decimal(value: str, *, low: Decimal, high: Decimal, places: int) -> Decimal | None:
    if value == "":
        return None
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number") % {"value": value}) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValueError(
            _("%(value)s is outside %(low)s–%(high)s") % {"value": value, "low": low, "high": high}
        )
    return round(number, places)


def _rows(upload: IO[bytes]) -> list[tuple[int, dict]]:
    """All rows keyed by column key, whichever language the header row is in."""
    last_error: BadWorkbook | None = None
    for variant in _headers_in_every_language():
        upload.seek(0)
        try:
            rows = list(read_rows(upload, variant))
        except BadWorkbook as exc:
            last_error = exc
            continue
        keys = dict(zip(variant, (key for key, _label in COLUMNS), strict=True))
        return [(n, {keys[h]: v for h, v in values.items()}) for n, values in rows]
    raise last_error or BadWorkbook("empty")


def parse_stations(upload: IO[bytes], *, actor) -> ImportReport:
    """Check every row; ``report.valid`` holds PendingStation objects, nothing is saved."""
    report = ImportReport()
    rows = _rows(upload)
    roles = roles_of(actor)
    kinds = _kind_lookup()

    codes = {values["region_code"] for _n, values in rows if values["region_code"]}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    region_ids = [r.pk for r in regions.values()]
    taken = set(Station.objects.filter(region_id__in=region_ids).values_list("region_id", "name"))
    parent_names = {values["parent"] for _n, values in rows if values["parent"]}
    existing_parents: dict[str, list[Station]] = {}
    for existing_parent in (
        Station.objects.editable_by(actor).filter(name__in=parent_names).select_related("region")
    ):
        existing_parents.setdefault(existing_parent.name, []).append(existing_parent)
    names_in_file: dict[str, int] = {}
    seen: dict[tuple[int, str], int] = {}

    for number, values in rows:
        problems: list[str] = []
        name = values["name"]
        if not name:
            problems.append(_("the name is missing"))
        elif len(name) > 100:
            problems.append(_("the name is longer than 100 characters"))
        kind = kinds.get(values["kind"].strip().lower()) if values["kind"] else StationKind.HOME
        if kind is None:
            problems.append(
                _("unknown kind “%(kind)s” (use one of: %(choices)s)")
                % {"kind": values["kind"], "choices": ", ".join(str(c.label) for c in StationKind)}
            )
        region = regions.get(values["region_code"])
        if not values["region_code"]:
            problems.append(_("the region code is missing"))
        elif region is None:
            problems.append(_("unknown region code %(code)s") % {"code": values["region_code"]})
        elif not roles.is_admin and not in_region_paths(region.path, roles.clerk_region_paths):
            problems.append(
                _("region %(code)s is outside your area") % {"code": values["region_code"]}
            )
        numbers = {}
        for key, low, high, places in (
            ("latitude", Decimal(-90), Decimal(90), 6),
            ("longitude", Decimal(-180), Decimal(180), 6),
            ("floor_area", Decimal(0), Decimal("9999999"), 1),
        ):
            try:
                numbers[key] = _decimal(values[key], low=low, high=high, places=places)
            except ValueError as exc:
                problems.append(f"{dict(COLUMNS)[key]}: {exc}")
        active_text = values["is_active"].strip().lower()
        if active_text in YES or active_text == "" or active_text == _("Yes").lower():
            is_active = True
        elif active_text in NO or active_text == _("No").lower():
            is_active = False
        else:
            problems.append(_("“%(value)s” is not yes or no") % {"value": values["is_active"]})
            is_active = True
        for key, limit in (("address", 200), ("opening_hours", 200), ("contact_phone", 20)):
            if len(values[key]) > limit:
                problems.append(
                    _("%(column)s is longer than %(limit)s characters")
                    % {"column": dict(COLUMNS)[key], "limit": limit}
                )
        if region is not None and name:
            if (region.pk, name) in taken:
                problems.append(
                    _("a station called “%(name)s” already exists in %(region)s")
                    % {"name": name, "region": region.name}
                )
            elif (region.pk, name) in seen:
                problems.append(
                    _("“%(name)s” appears twice in %(region)s (first on row %(row)s)")
                    % {"name": name, "region": region.name, "row": seen[(region.pk, name)]}
                )
        parent: Station | None = None
        parent_in_file = ""
        parent_name = values["parent"]
        if parent_name:
            if parent_name in names_in_file:
                parent_in_file = parent_name
            elif len(existing_parents.get(parent_name, [])) == 1:
                parent = existing_parents[parent_name][0]
                if region is not None and not region.path.startswith(parent.region.path):
                    problems.append(
                        _("the parent station “%(parent)s” is in another region")
                        % {"parent": parent_name}
                    )
            elif parent_name in existing_parents:
                problems.append(
                    _("several stations are called “%(parent)s”; the parent is ambiguous")
                    % {"parent": parent_name}
                )
            else:
                problems.append(
                    _(
                        "unknown parent station “%(parent)s” (it must be one of yours or on an "
                        "earlier row)"
                    )
                    % {"parent": parent_name}
                )
        if problems:
            report.errors.append(RowError(row=number, message="; ".join(problems)))
            continue
        assert region is not None and kind is not None  # else a problem was reported above
        seen[(region.pk, name)] = number
        names_in_file.setdefault(name, number)
        report.valid.append(
            PendingStation(
                row=number,
                station=Station(
                    name=name,
                    kind=kind,
                    region=region,
                    parent=parent,
                    address=values["address"],
                    opening_hours=values["opening_hours"],
                    contact_phone=values["contact_phone"],
                    is_active=is_active,
                    **numbers,
                ),
                parent_in_file=parent_in_file,
            )
        )
    # A row pointing at an in-file parent that turned out bad is bad too.
    good_names = {p.station.name for p in report.valid}
    for pending in list(report.valid):
        if pending.parent_in_file and pending.parent_in_file not in good_names:
            report.valid.remove(pending)
            report.errors.append(
                RowError(
                    row=pending.row,
                    message=_("the parent station “%(parent)s” has errors")
                    % {"parent": pending.parent_in_file},
                )
            )
    report.errors.sort(key=lambda e: e.row)
    return report


@transaction.atomic
def stations_import(*, actor, upload: IO[bytes]) -> ImportReport:
    """Import every row of a checked file in one transaction; with any bad row, import nothing."""
    if not can_import_stations(roles_of(actor)):
        raise PermissionDenied(_("You may not import stations."))
    report = parse_stations(upload, actor=actor)
    if not report.ok:
        return report
    created: dict[str, Station] = {}
    pending = report.valid
    # Parents first: each pass saves the rows whose parent already exists.
    while pending:
        ready = [p for p in pending if not p.parent_in_file or p.parent_in_file in created]
        if not ready:  # only a loop of in-file parents is left; parse_stations prevents this
            raise ValueError("parent loop")
        for p in ready:
            if p.parent_in_file:
                p.station.parent = created[p.parent_in_file]
        saved = Station.objects.bulk_create(
            [p.station.fill_pinyin() for p in ready], batch_size=500
        )
        for station in saved:
            created.setdefault(station.name, station)
        done = {id(p) for p in ready}
        pending = [p for p in pending if id(p) not in done]
    return report
