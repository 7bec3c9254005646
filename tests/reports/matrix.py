"""Role matrix of the reports app (the ledger helper's entries live in ledger_matrix.py).

Region dashboards are for administrators and clerks. Pages without an object answer 403 to
everyone else; pages of a region answer 404 when the region is outside the user's area (or the
user has no area at all), exactly like a region that does not exist. A station's figures are
also open to that station's staff.
"""

from ..matrix import Entry

CLERKS = ("admin", "clerk", "city_clerk", "other_clerk")
X_SIDE = ("admin", "clerk", "city_clerk")  # district X and everything in it

ENTRIES = [
    Entry("reports:overview", allow=CLERKS, deny=403),
    Entry("reports:overview", allow=CLERKS, deny=403, query="period=year"),
    Entry("reports:region", args=lambda w: [w.district_x.pk], allow=X_SIDE),
    Entry("reports:region", args=lambda w: [w.street_s1.pk], allow=X_SIDE, query="period=quarter"),
    Entry("reports:region", args=lambda w: [w.city.pk], allow=("admin", "city_clerk")),
    Entry(
        "reports:station",
        args=lambda w: [w.station_a.pk],
        allow=(*X_SIDE, "staff"),
    ),
    Entry(
        "reports:station",
        args=lambda w: [w.station_b.pk],
        allow=("admin", "city_clerk", "other_clerk", "far_staff"),
    ),
    Entry("reports:departments", allow=CLERKS, deny=403),
    Entry("reports:deputies", allow=CLERKS, deny=403),
    Entry("reports:stations_ranking", allow=CLERKS, deny=403),
    Entry("reports:overdue", allow=CLERKS, deny=403),
    Entry("reports:overdue", allow=CLERKS, deny=403, query="export=xlsx"),
    Entry("reports:map", allow=CLERKS, deny=403),
    Entry("reports:map_upload", allow=CLERKS, deny=403),
    Entry(
        "reports:map_upload",
        method="post",
        data=lambda w: {"region": w.city.pk, "text": "not json"},
        allow=CLERKS,
        deny=403,
    ),
    Entry("reports:monthly", args=lambda w: [w.district_x.pk, 2026, 3], allow=X_SIDE),
    Entry(
        "reports:monthly",
        args=lambda w: [w.district_y.pk, 2026, 3],
        allow=("admin", "city_clerk", "other_clerk"),
    ),
]
