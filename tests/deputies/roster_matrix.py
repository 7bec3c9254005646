"""Role matrix of the roster pages (namespace ``roster``).

Station pages are for admins, the station's staff and clerks of its area: clerks may look but
not change (403), everyone else gets 404. Deputy pages answer 403 to users who are not deputies.
"""

from deputies.roster.models import DayDepartment, Duty, Unavailability
from deputies.roster.services import calendar_token_for

from ..matrix import ALL_ROLES, Entry
from .roster_factories import day, future, rule, swap_for_dave

VIEWERS = ("admin", "staff", "clerk", "city_clerk")
MANAGERS = ("admin", "staff")
CLERKS_LOOK = {"clerk": 403, "city_clerk": 403}
DEPUTIES = ("deputy", "other_deputy")


def _station(w):
    return [w.station_a.pk]


def _rule(w):
    return [rule(w.station_a).pk]


def _day(w):
    return [day(w.station_a, future(5)).pk]


def _duty(w):
    d = day(w.station_a, future(5))
    return [Duty.objects.create(day=d, deputy=w.deputy_dave).pk]


def _day_with_duty(w):
    d = day(w.station_a, future(5))
    Duty.objects.create(day=d, deputy=w.deputy_dave)
    return [d.pk]


def _attendance_data(w):
    duty = Duty.objects.get(day__station=w.station_a)
    return {"duty": duty.pk, f"d{duty.pk}-status": "present"}


def _link(w):
    d = day(w.station_a, future(5))
    return [DayDepartment.objects.create(day=d, department=w.department).pk]


def _accepted_swap(w):
    swap = swap_for_dave(w)
    swap.status = "accepted"
    swap.save()
    return [swap.pk]


def _unavailability(w):
    u = Unavailability.objects.create(deputy=w.deputy_dave, start=future(1), end=future(3))
    return [u.pk]


def _station_unavailability(w):
    return [w.station_a.pk, *_unavailability(w)]


def _token(w):
    return [calendar_token_for(w.deputy_dave).token]


ENTRIES = [
    Entry(
        "roster:index",
        allow=ALL_ROLES - {"handler", "other_handler", "nobody"},
        special={"deputy": 302, "other_deputy": 302},
        deny=403,
    ),
    Entry("roster:station_roster", args=_station, allow=VIEWERS),
    Entry("roster:print", args=_station, allow=VIEWERS),
    Entry("roster:rule_create", args=_station, allow=MANAGERS, special=CLERKS_LOOK),
    Entry(
        "roster:rule_create",
        args=_station,
        allow=MANAGERS,
        special=CLERKS_LOOK,
        method="post",
        data=lambda w: {"preset": "", "title": ""},
    ),  # invalid: the form comes back
    Entry("roster:rule_edit", args=_rule, allow=MANAGERS, special=CLERKS_LOOK),
    # Deleting twice: the second allowed role finds nothing (404). Success is asserted in
    # tests/deputies/test_roster_station.py.
    Entry(
        "roster:rule_delete",
        args=_rule,
        method="post",
        allow=MANAGERS,
        ok=(302, 404),
        special=CLERKS_LOOK,
    ),
    Entry(
        "roster:generate",
        args=_station,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"year": future(0).year},
    ),
    Entry("roster:autofill", args=_station, allow=MANAGERS, special=CLERKS_LOOK),
    Entry(
        "roster:autofill",
        args=_station,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"year": future(0).year},
    ),
    Entry(
        "roster:unavailability_add",
        args=_station,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"deputy": w.deputy_dave.pk, "start": future(1), "end": future(3)},
    ),
    Entry(
        "roster:unavailability_edit",
        args=_station_unavailability,
        allow=MANAGERS,
        special=CLERKS_LOOK,
    ),
    Entry(
        "roster:unavailability_edit",
        args=_station_unavailability,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"start": future(2), "end": future(4), "reason": "出差"},
    ),
    # Deleting twice: the second allowed role finds nothing (404).
    Entry(
        "roster:unavailability_delete",
        args=_station_unavailability,
        method="post",
        allow=MANAGERS,
        ok=(302, 404),
        special=CLERKS_LOOK,
    ),
    Entry("roster:rotate", args=_station, allow=MANAGERS, special=CLERKS_LOOK),
    Entry(
        "roster:rotate",
        args=_station,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"year": future(0).year},
    ),
    Entry("roster:day_create", args=_station, allow=MANAGERS, special=CLERKS_LOOK),
    Entry("roster:day_detail", args=_day, allow=VIEWERS),
    Entry(
        "roster:day_detail",
        args=_day_with_duty,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=_attendance_data,
    ),
    Entry(
        "roster:duty_add",
        args=_day,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"deputy": w.deputy_dave.pk},
    ),
    Entry(
        "roster:duty_remove",
        args=_duty,
        method="post",
        allow=MANAGERS,
        ok=(302, 404),
        special=CLERKS_LOOK,
    ),
    Entry(
        "roster:department_add",
        args=_day,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"department": w.department.pk},
    ),
    Entry(
        "roster:department_remove",
        args=_link,
        method="post",
        allow=MANAGERS,
        ok=(302, 404),
        special=CLERKS_LOOK,
    ),
    Entry(
        "roster:day_status",
        args=_day,
        method="post",
        allow=MANAGERS,
        ok=302,
        special=CLERKS_LOOK,
        data=lambda w: {"status": "held"},
    ),
    # A deputy's own pages: others have no business there (403).
    Entry("roster:my_schedule", allow=DEPUTIES, deny=403),
    Entry(
        "roster:my_unavailability",
        method="post",
        allow=DEPUTIES,
        ok=302,
        deny=403,
        data=lambda w: {"start": future(1), "end": future(3)},
    ),
    Entry("roster:ical_rotate", method="post", allow=DEPUTIES, ok=302, deny=403),
    # Only the deputy's own period: another deputy finds nothing (404), non-deputies get 403.
    Entry(
        "roster:my_unavailability_delete",
        args=_unavailability,
        method="post",
        allow=("deputy",),
        ok=302,
        deny=403,
        special={"other_deputy": 404},
    ),
    # Check-in: only deputies; a deputy of another station gets 404.
    Entry(
        "roster:checkin", args=_station, allow=("deputy",), deny=403, special={"other_deputy": 404}
    ),
    Entry(
        "roster:checkin",
        args=_station,
        method="post",
        allow=("deputy",),
        ok=302,
        deny=403,
        special={"other_deputy": 404},
    ),
    Entry("roster:swap_create", args=_duty, allow=("deputy",)),
    Entry(
        "roster:swap_respond",
        args=lambda w: [swap_for_dave(w).pk],
        method="post",
        allow=("deputy",),
        ok=302,
        data=lambda w: {"action": "accept"},
    ),
    Entry(
        "roster:swap_decide",
        args=_accepted_swap,
        method="post",
        allow=MANAGERS,
        ok=302,
        special={**CLERKS_LOOK, "deputy": 403},
        data=lambda w: {"action": "confirm"},
    ),
    # The calendar feed has no login: the token is the key.
    Entry("roster:ical", args=_token, public=True),
]
