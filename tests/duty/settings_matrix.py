"""Role matrix for the clerks' duty settings: quota rules and points schemes (the rule for
clerks' settings pages: tests/matrix.py ``clerk_page``, ``clerk_object``)."""

from __future__ import annotations

from decimal import Decimal

from ..matrix import clerk_object, clerk_page

X = lambda w: [w.district_x.pk]  # noqa: E731


def _scheme(w):
    from duty.models import PointsRow, PointsScheme

    scheme = PointsScheme.objects.create(region=w.district_x, name="南湖区代表履职积分办法")
    PointsRow.objects.create(scheme=scheme, item="reception", weight=Decimal(2))
    return [scheme.pk]


SCHEME = {"name": "南湖区积分办法", "year": "2025", "w_reception": "2", "c_reception": "24"}

ENTRIES = [
    clerk_page("duty:quotas"),
    clerk_object("duty:quota_region", X),
    clerk_object("duty:quota_region", X, data=lambda w: {"opinion": "2"}),
    clerk_page("duty:schemes"),
    clerk_page("duty:scheme_create"),
    # 南湖区 is not among the other district's regions: its clerk gets the form again (400).
    clerk_object(
        "duty:scheme_create",
        data=lambda w: {**SCHEME, "region": w.district_x.pk, "activate": "on"},
        special={"other_clerk": 400},
    ),
    clerk_object("duty:scheme", _scheme),
    clerk_object("duty:scheme", _scheme, data=lambda w: SCHEME),
    clerk_object("duty:scheme_activate", _scheme, data=lambda w: {"active": "0"}),
]
