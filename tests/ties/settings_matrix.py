"""Role matrix for the clerks' ties settings: grids and electoral districts.

The grid lies in 新兴社区 under district X (station A); the district is 南湖区's. Pages without
an object are for every clerk and admin (others 403); an object's page for admin and the
clerks over X; the clerk of district Y gets 404, every other role 403.
"""

from __future__ import annotations

from ..matrix import Entry
from .support import make_district, make_grid

CLERKS = {"admin", "clerk", "city_clerk", "other_clerk"}
OVER_X = {"admin", "clerk", "city_clerk"}
Y_404 = {"other_clerk": 404}


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
    Entry("ties:grid_create", allow=CLERKS, deny=403),
    # The second allowed role finds the name taken (the form again, 400); the other district's
    # clerk cannot choose X's community (400).
    Entry(
        "ties:grid_create",
        # The community is made with the URL, before the matrix counts the rows.
        args=lambda w: [] if _community(w) else [],
        method="post",
        data=_grid_data,
        allow=OVER_X,
        ok=(302, 400),
        special={"other_clerk": 400},
        deny=403,
    ),
    Entry("ties:grid_edit", args=_grid, allow=OVER_X, special=Y_404, deny=403),
    Entry(
        "ties:grid_edit",
        args=_grid,
        method="post",
        data=lambda w: {
            "name": "幸福里网格",
            "community": w.street_s1.children.get().pk,
            "station": w.station_a.pk,
            "households": "320",
            "is_active": "on",
        },
        allow=OVER_X,
        ok=302,
        special=Y_404,
        deny=403,
    ),
    # Linking 戴伟 (no grid yet) with the grid: 1 grid, within the rule.
    Entry(
        "ties:grid_deputies",
        args=_grid,
        method="post",
        data=lambda w: {"deputies": [w.deputy_dave.pk]},
        allow=OVER_X,
        ok=302,
        special=Y_404,
        deny=403,
    ),
    Entry("ties:districts", allow=CLERKS, deny=403),
    Entry("ties:district_create", allow=CLERKS, deny=403),
    Entry(
        "ties:district_create",
        method="post",
        data=_district_data,
        allow=OVER_X,
        ok=(302, 400),
        special={"other_clerk": 400},
        deny=403,
    ),
    Entry("ties:district_edit", args=_district, allow=OVER_X, special=Y_404, deny=403),
    Entry(
        "ties:district_edit",
        args=_district,
        method="post",
        data=_district_data,
        allow=OVER_X,
        ok=302,
        special=Y_404,
        deny=403,
    ),
]
