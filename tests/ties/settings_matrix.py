"""Role matrix for the clerks' ties settings: grids and electoral districts (the rule for
clerks' settings pages: tests/matrix.py ``clerk_page``, ``clerk_object``).

The grid lies in 新兴社区 under district X (station A); the district is 南湖区's.
"""

from __future__ import annotations

from ..matrix import clerk_object, clerk_page
from .support import make_district, make_grid


def _grid(w):
    return [make_grid(w).pk]


def _community(w):
    from stations.choices import RegionLevel
    from stations.models import Region

    return Region.objects.get_or_create(
        code="330402001001",
        defaults={"name": "新兴社区", "level": RegionLevel.COMMUNITY, "parent": w.street_s1},
    )[0]


def _grid_data(w):
    return {"name": "幸福里网格", "community": _community(w).pk, "station": w.station_a.pk}


def _district(w):
    return [make_district(w).pk]


def _district_data(w):
    return {
        "name": "南湖区第5选区",
        "region": w.district_x.pk,
        "level": "district",
        "deputies": [w.deputy_dave.pk],
    }


ENTRIES = [
    clerk_page("ties:grid_create"),
    # The second allowed role finds the name taken (the form again, 400); the other district's
    # clerk cannot choose X's community (400).
    clerk_object(
        "ties:grid_create",
        # The community is made with the URL, before the matrix counts the rows.
        args=lambda w: [] if _community(w) else [],
        data=_grid_data,
        ok=(302, 400),
        special={"other_clerk": 400},
    ),
    clerk_object("ties:grid_edit", _grid),
    clerk_object(
        "ties:grid_edit",
        _grid,
        data=lambda w: {
            "name": "幸福里网格",
            "community": w.street_s1.children.get().pk,
            "station": w.station_a.pk,
            "households": "320",
            "is_active": "on",
        },
    ),
    # Linking 戴伟 (no grid yet) with the grid: 1 grid, within the rule.
    clerk_object("ties:grid_deputies", _grid, data=lambda w: {"deputies": [w.deputy_dave.pk]}),
    clerk_page("ties:districts"),
    clerk_page("ties:district_create"),
    clerk_object(
        "ties:district_create",
        data=_district_data,
        ok=(302, 400),
        special={"other_clerk": 400},
    ),
    clerk_object("ties:district_edit", _district),
    clerk_object("ties:district_edit", _district, data=_district_data),
]
