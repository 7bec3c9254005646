"""Rollups, snapshots and map outlines behind the clerk dashboard.

The rollup tables are derived data: ``reports.rollups`` refreshes them from the petitions and
receptions tables (incrementally from the event stream, and nightly for a whole range), so
they can always be rebuilt and are never edited by hand.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.models import Category
from stations.models import Region, Station


class RollupCounters(models.Model):
    """The per-category, per-tier counters both petition rollups carry (see reports.rollups)."""

    # Rollup rows are derived and written set-based by the million: no foreign-key constraint
    # (a trigger per inserted row) and no index of their own; Django still cascades deletes.
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    tier = models.CharField(max_length=12, blank=True)

    collected = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    declined = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    assigned = models.PositiveIntegerField(default=0)
    replied = models.PositiveIntegerField(default=0)
    replied_on_time = models.PositiveIntegerField(default=0)
    reply_seconds = models.BigIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    basic = models.PositiveIntegerField(default=0)
    unsatisfied = models.PositiveIntegerField(default=0)
    unrated_closed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    # The status funnel's stages "handed on or settled" and "replied" (rollups.FUNNEL_STAGES):
    # cases standing today at assigned or later, and at replied or later.
    handed_on = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class PetitionDailyRollup(RollupCounters):
    """Where the petitions submitted at one station on one day stand now, per category and tier.

    Every counter is keyed by the *submission* day: see ``reports.rollups`` for the meaning of
    each figure.
    """

    day = models.DateField()
    # No constraint, and rollup_station_day_idx serves station lookups (see RollupCounters).
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    # A copy of the station's region path so a region's figures are one prefix scan, no join.
    region_path = models.CharField(max_length=255)

    class Meta:
        indexes = [
            # Region figures: path prefix (LIKE 'x%' needs pattern ops on PostgreSQL) then days.
            models.Index(
                fields=["region_path", "day"],
                name="rollup_region_day_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["station", "day"], name="rollup_station_day_idx"),
            models.Index(fields=["day"], name="rollup_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id} {self.category_id} {self.tier}"


class PetitionMonthlyRollup(RollupCounters):
    """The daily rollup summed per month and per area (the region path cut at district level).

    Province, city and district dashboards read whole months from here: at province scale a
    year is a few thousand rows instead of hundreds of thousands of (station, day) rows. It is
    derived from ``PetitionDailyRollup`` only: rebuilt from it, or changed by the difference
    of the daily rows a refresh replaced (see ``reports.rollups.refresh_petition_keys``).
    """

    month = models.DateField()  # the first day of the month
    # The station's region path cut to at most AREA_DEPTH levels (see reports.rollups).
    area_path = models.CharField(max_length=255)
    # False: the stations whose area is exactly ``area_path``; True: the whole subtree under
    # ``area_path`` (so a region's dashboard reads its own few rows, not its districts').
    whole = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(
                fields=["area_path", "month"],
                name="mrollup_area_month_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
            models.Index(fields=["month"], name="mrollup_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_path} {self.category_id} {self.tier} {self.whole}"


class StationOpenRollup(models.Model):
    """How many cases of one station are open under a deadline (assigned or handling) now.

    "Overdue now" for a region is this sum minus its open cases not yet due, which are few:
    the dashboard never counts every open case of a province from the petitions table.
    """

    station = models.OneToOneField(
        Station, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    region_path = models.CharField(max_length=255)
    open_cases = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(
                fields=["region_path"],
                name="openrollup_region_idx",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station_id}: {self.open_cases}"


class ReceptionDailyRollup(models.Model):
    """Receptions held and constituents received at one station on one day."""

    day = models.DateField()
    # Covered by reception_rollup_unique (station, day); no constraint (see RollupCounters).
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    region_path = models.CharField(max_length=255)
    receptions = models.PositiveIntegerField(default=0)
    constituents = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["station", "day"], name="reception_rollup_unique")
        ]
        indexes = [
            models.Index(
                fields=["region_path", "day"],
                name="rrollup_region_day_idx",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.station_id}: {self.receptions}"


class RollupDelta(models.Model):
    """Scratch rows of one rollup write: the change (new − old) of the daily rows it replaced,
    as monthly and whole-subtree rows to add (see ``reports.rollups.refresh_petition_keys``).

    Written and emptied inside the same transaction, so no other transaction ever sees a row.
    Signed counters: a row loses cases as often as it gains them."""

    month = models.DateField()
    area_path = models.CharField(max_length=255)
    category = models.ForeignKey(
        Category,
        on_delete=models.DO_NOTHING,
        null=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    tier = models.CharField(max_length=12, blank=True)
    whole = models.BooleanField(default=False)
    collected = models.BigIntegerField(default=0)
    accepted = models.BigIntegerField(default=0)
    declined = models.BigIntegerField(default=0)
    merged = models.BigIntegerField(default=0)
    assigned = models.BigIntegerField(default=0)
    replied = models.BigIntegerField(default=0)
    replied_on_time = models.BigIntegerField(default=0)
    reply_seconds = models.BigIntegerField(default=0)
    closed = models.BigIntegerField(default=0)
    satisfied = models.BigIntegerField(default=0)
    basic = models.BigIntegerField(default=0)
    unsatisfied = models.BigIntegerField(default=0)
    unrated_closed = models.BigIntegerField(default=0)
    reopened = models.BigIntegerField(default=0)
    handed_on = models.BigIntegerField(default=0)
    answered = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.area_path} {self.category_id} {self.tier} {self.whole}"


class StaleRollupKey(models.Model):
    """A (station, day) whose rollup rows lost a deleted case or reception: a deletion leaves
    no event behind (the case's events go with it), so it leaves this row for the next rollup
    run, which recomputes the key and removes the row (see ``reports.signals``)."""

    class Kind(models.TextChoices):
        PETITION = "petition"
        RECEPTION = "reception"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    station_id = models.BigIntegerField()
    day = models.DateField()

    def __str__(self) -> str:
        return f"{self.kind} {self.station_id} {self.day}"


class Watermark(models.Model):
    """How far an incremental job has read a table (the highest id already applied)."""

    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"


# An outline is drawn inline in the map page: a few megabytes is a detailed district already.
OUTLINE_MAX_BYTES = 5 * 1024 * 1024


def _check_ring(ring, where: str) -> None:
    """A linear ring: at least four [longitude, latitude] positions, closed."""
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(
            _("%(where)s: a ring needs at least four positions."), params={"where": where}
        )
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
        ):
            raise ValidationError(
                _("%(where)s: a position must be [longitude, latitude], got %(value)s."),
                params={"where": where, "value": json.dumps(position)[:60]},
            )
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError(
                _(
                    "%(where)s: [%(lon)s, %(lat)s] is not a longitude/latitude "
                    "(projected coordinates are not supported)."
                ),
                params={"where": where, "lon": lon, "lat": lat},
            )
    if ring[0][:2] != ring[-1][:2]:
        raise ValidationError(
            _("%(where)s: a ring must end where it starts."), params={"where": where}
        )


def _check_polygon(rings, where: str) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(
            _("%(where)s: a polygon has no coordinates."), params={"where": where}
        )
    for ring in rings:
        _check_ring(ring, where)


def validate_geojson(text: str) -> dict:
    """Parse an outline and check it is a FeatureCollection, Feature or (Multi)Polygon of rings."""
    if len(text.encode("utf-8")) > OUTLINE_MAX_BYTES:
        raise ValidationError(
            _("The outline is larger than %(size)s MB."),
            params={"size": OUTLINE_MAX_BYTES // (1024 * 1024)},
        )
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            _("The file is not valid JSON: %(error)s"), params={"error": exc}
        ) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("A GeoJSON outline must be a JSON object."))
    kind = data.get("type")
    polygons = ("Polygon", "MultiPolygon")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise ValidationError(_("The FeatureCollection has no features."))
        geometries = [(f or {}).get("geometry") or {} for f in features if isinstance(f, dict)]
    elif kind == "Feature":
        geometries = [data.get("geometry") or {}]
    elif kind in polygons:
        geometries = [data]
    else:
        raise ValidationError(
            _(
                "Expected a GeoJSON FeatureCollection, Feature, Polygon or MultiPolygon, got %(kind)s."
            ),
            params={"kind": kind or "?"},
        )
    if not geometries or any(
        not isinstance(g, dict) or g.get("type") not in polygons for g in geometries
    ):
        raise ValidationError(_("Every feature must be a Polygon or MultiPolygon."))
    for n, geometry in enumerate(geometries, start=1):
        where = _("Feature %(n)s") % {"n": n}
        coordinates = geometry.get("coordinates")
        if geometry["type"] == "Polygon":
            _check_polygon(coordinates, where)
        elif not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(
                _("%(where)s: a polygon has no coordinates."), params={"where": where}
            )
        else:
            for polygon in coordinates:
                _check_polygon(polygon, where)
    return data


def as_feature_collection(data: dict) -> dict:
    """ECharts' registerMap wants a FeatureCollection; wrap a bare Feature or geometry."""
    if data.get("type") == "FeatureCollection":
        return data
    if data.get("type") == "Feature":
        return {"type": "FeatureCollection", "features": [data]}
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {}, "geometry": data}],
    }


def _outline_name(instance: RegionOutline, filename: str) -> str:
    return f"outlines/{instance.region.code}.geojson"


class RegionOutline(models.Model):
    """A region's outline (GeoJSON) uploaded by a clerk for the offline station map."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="outline", verbose_name=_("region")
    )
    # Kept through Django's storage API (local files, or the shared object store).
    file = models.FileField(_("GeoJSON file"), upload_to=_outline_name, max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("region outline")
        verbose_name_plural = _("region outlines")

    def __str__(self) -> str:
        return str(self.region)

    def read(self) -> dict:
        with self.file.open("rb") as fh:
            return json.loads(fh.read().decode("utf-8-sig"))


class MonthlyReport(models.Model):
    """A snapshot of one region's figures for one month, prepared on the 1st of the next month."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="monthly_reports")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    figures = models.JSONField(default=dict)
    prepared_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "month"], name="monthly_report_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}-{self.month:02d}"


from .ledgers.models import DeputyActivity, ExportJob, ProgressNotice  # noqa: E402,F401
