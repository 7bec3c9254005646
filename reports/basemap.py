"""The base map under the station markers: an uploaded outline, vendored boundaries, or a sketch.

A region's map comes from the first of:

1. the outline a clerk or administrator uploaded for it (``RegionOutline``, kept through
   Django's storage API);
2. the boundary data vendored under ``static/vendor/geo/`` (see VERSIONS.txt there): a city
   file holds one feature per district, its ``id`` the administrative code, so the city shows
   all its districts and a district its own boundary;
3. areas drawn around the stations' positions (``selectors.drawn_outline``), offline, for a
   region without boundary data (a street, or a city nobody vendored).
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from stations.models import Region

from .models import RegionOutline, as_feature_collection, validate_geojson
from .selectors import dashboard_regions, drawn_outline

# Region code -> vendored FeatureCollection of its sub-areas (static path).
VENDORED: dict[str, str] = {"330400": "vendor/geo/330400.json"}

UPLOADED, VENDORED_SOURCE, DRAWN = "uploaded", "vendored", "drawn"


@lru_cache(maxsize=8)
def _vendored(code: str) -> dict:
    path = finders.find(VENDORED[code])
    if not path:  # a deployment that lost the file still draws the sketch
        return {"type": "FeatureCollection", "features": []}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _codes(region: Region) -> list[str]:
    return [c for c in region.path.split("/") if c]


def vendored_outline(region: Region) -> dict | None:
    """The vendored boundaries of a region: all its sub-areas, or its own feature."""
    if region.code in VENDORED:
        features = _vendored(region.code)["features"]
    else:
        ancestor = next((c for c in reversed(_codes(region)[:-1]) if c in VENDORED), None)
        if ancestor is None:
            return None
        features = [f for f in _vendored(ancestor)["features"] if f.get("id") == region.code]
    return {"type": "FeatureCollection", "features": features} if features else None


def public_outline(region_paths: set[str]) -> dict | None:
    """The vendored boundaries under the public home's stations (every vendored city they sit in)."""
    features = []
    for code in VENDORED:
        if any(f"/{code}/" in path for path in region_paths):
            features += _vendored(code)["features"]
    return {"type": "FeatureCollection", "features": features} if features else None


def uploaded_outline(region: Region) -> dict | None:
    found = RegionOutline.objects.filter(region=region).first()
    return as_feature_collection(found.read()) if found is not None else None


def base_map(region: Region, stations) -> tuple[dict | None, str]:
    """The outline to draw for a region and where it came from (uploaded, vendored, drawn)."""
    outline = uploaded_outline(region)
    if outline is not None:
        return outline, UPLOADED
    outline = vendored_outline(region)
    if outline is not None:
        return outline, VENDORED_SOURCE
    return drawn_outline(region, stations), DRAWN


def may_upload_outline(user, region: Region) -> bool:
    """Administrators for any region; a clerk for a region in their area."""
    return dashboard_regions(user).filter(pk=region.pk).exists()


@transaction.atomic
def outline_upload(*, actor, region: Region, text: str) -> RegionOutline:
    """Keep a validated GeoJSON outline for a region (replacing the previous one) in storage."""
    if not may_upload_outline(actor, region):
        raise PermissionDenied
    validate_geojson(text)
    outline = RegionOutline.objects.select_for_update().filter(region=region).first()
    old_name = outline.file.name if outline is not None and outline.file else ""
    if outline is None:
        outline = RegionOutline(region=region)
    outline.uploaded_by = actor
    outline.file.save(f"{region.code}.geojson", ContentFile(text.encode("utf-8")), save=False)
    outline.save()
    if old_name and old_name != outline.file.name:
        storage, name = outline.file.storage, old_name
        transaction.on_commit(lambda: storage.delete(name))
    return outline
