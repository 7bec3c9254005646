"""Role matrix for the clerks' duty settings: quota rules and points schemes.

Pages without an object are for every clerk and admin (others 403); a region's or scheme's page
of district X is for admin and the clerks over X (clerk, city_clerk); the clerk of district Y
gets 404, every other role 403 (it has no business with clerk pages).
"""

from __future__ import annotations

from decimal import Decimal

from ..matrix import Entry

CLERKS = {"admin", "clerk", "city_clerk", "other_clerk"}
OVER_X = {"admin", "clerk", "city_clerk"}
Y_404 = {"other_clerk": 404}
X = lambda w: [w.district_x.pk]  # noqa: E731


def _scheme(w):
    from duty.models import PointsRow, PointsScheme

    scheme = PointsScheme.objects.create(region=w.district_x, name="南湖区代表履职积分办法")
    PointsRow.objects.create(scheme=scheme, item="reception", weight=Decimal(2))
    return [scheme.pk]


SCHEME = {"name": "南湖区积分办法", "year": "2025", "w_reception": "2", "c_reception": "24"}

ENTRIES = [
    Entry("duty:quotas", allow=CLERKS, deny=403),
    Entry("duty:quota_region", args=X, allow=OVER_X, special=Y_404, deny=403),
    Entry(
        "duty:quota_region",
        args=X,
        method="post",
        data=lambda w: {"opinion": "2"},
        allow=OVER_X,
        ok=302,
        special=Y_404,
        deny=403,
    ),
    Entry("duty:schemes", allow=CLERKS, deny=403),
    Entry("duty:scheme_create", allow=CLERKS, deny=403),
    # 南湖区 is not among the other district's regions: its clerk gets the form again (400).
    Entry(
        "duty:scheme_create",
        method="post",
        data=lambda w: {**SCHEME, "region": w.district_x.pk, "activate": "on"},
        allow=OVER_X,
        ok=302,
        special={"other_clerk": 400},
        deny=403,
    ),
    Entry("duty:scheme", args=_scheme, allow=OVER_X, special=Y_404, deny=403),
    Entry(
        "duty:scheme",
        args=_scheme,
        method="post",
        data=lambda w: SCHEME,
        allow=OVER_X,
        ok=302,
        special=Y_404,
        deny=403,
    ),
    Entry(
        "duty:scheme_activate",
        args=_scheme,
        method="post",
        data=lambda w: {"active": "0"},
        allow=OVER_X,
        ok=302,
        special=Y_404,
        deny=403,
    ),
]
