"""Who may open which registry page (see tests/matrix.py)."""

from ..matrix import Entry

CLERKS = {"clerk", "city_clerk", "other_clerk"}
STAFF = {"staff", "other_staff", "far_staff"}
DEPUTIES = {"deputy", "other_deputy"}
HANDLERS = {"handler", "other_handler"}


def _station_post(w) -> dict:
    a = w.station_a
    return {
        "name": a.name,
        "kind": a.kind,
        "region": a.region_id,
        "address": "禾兴路1号",
        "opening_hours": a.opening_hours,
        "contact_phone": a.contact_phone,
        "is_active": "on",
        "has_site": "on",
    }


ENTRIES = [
    # The registry forms' type-ahead fields: anyone with a role asks; rows are scoped per kind.
    *(
        Entry(
            "stations:lookup",
            args=lambda w, kind=kind: [kind],
            query="q=x",
            allow={"admin"} | CLERKS | STAFF | DEPUTIES | HANDLERS,
            deny=403,
        )
        for kind in ("region", "department_region", "station")
    ),
    # Lists answer 403 to roles with no business there (no object to hide).
    Entry("stations:list", allow={"admin"} | CLERKS | STAFF | DEPUTIES, deny=403),
    # station A: its staff, the clerks of district X and the city, its deputy.
    Entry(
        "stations:detail",
        args=lambda w: [w.station_a.pk],
        allow={"admin", "staff", "clerk", "city_clerk", "deputy"},
    ),
    Entry(
        "stations:poster",
        args=lambda w: [w.station_a.pk],
        allow={"admin", "staff", "clerk", "city_clerk", "deputy"},
    ),
    Entry("stations:create", allow={"admin"} | CLERKS | STAFF, deny=403),
    # Editing fetches through editable_by: a deputy who may see station A still gets 404.
    Entry(
        "stations:edit",
        args=lambda w: [w.station_a.pk],
        allow={"admin", "staff", "clerk", "city_clerk"},
    ),
    Entry(
        "stations:edit",
        args=lambda w: [w.station_a.pk],
        method="post",
        data=_station_post,
        allow={"admin", "staff", "clerk", "city_clerk"},
        ok=302,
    ),
    Entry("stations:public", args=lambda w: [w.station_a.public_code], public=True),
    Entry("stations:qr_svg", args=lambda w: [w.station_a.public_code], public=True),
    Entry("stations:qr_png", args=lambda w: [w.station_a.public_code], public=True),
    Entry("stations:export", allow={"admin"} | CLERKS | STAFF, deny=403),
    Entry("stations:import", allow={"admin"} | CLERKS, deny=403),
    Entry("stations:import_template", allow={"admin"} | CLERKS, deny=403),
    Entry("stations:region_list", allow={"admin"} | CLERKS | STAFF, deny=403),
    Entry("stations:region_create", allow={"admin"}, deny=403),
    Entry("stations:department_list", allow={"admin"} | CLERKS | STAFF | HANDLERS, deny=403),
    # department D of district X: X's clerks, the city clerk, X's station staff, its handler.
    Entry(
        "stations:department_detail",
        args=lambda w: [w.department.pk],
        allow={"admin", "clerk", "city_clerk", "staff", "other_staff", "handler"},
    ),
    Entry("stations:department_create", allow={"admin"} | CLERKS, deny=403),
    Entry(
        "stations:department_edit",
        args=lambda w: [w.department.pk],
        allow={"admin", "clerk", "city_clerk"},
    ),
]
