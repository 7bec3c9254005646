"""Role matrix for the ties pages.

The pair belongs to 戴伟 ("deputy", station A, district X): he, station A's staff, the clerks
over district X (clerk, city_clerk) and admin see it; staff and the deputy may act on it
(clerks see it and get 403 on actions). Everyone else gets a 404.
"""

from ..matrix import Entry
from .support import (
    make_appointment,
    make_contact,
    make_grid,
    make_item,
    make_meeting,
    make_pair,
    make_reportback,
)

SEE_PAIR = {"admin", "staff", "deputy", "clerk", "city_clerk"}
ACT_PAIR = {"admin", "staff", "deputy"}
LIST = {
    "admin",
    "staff",
    "other_staff",
    "far_staff",
    "clerk",
    "city_clerk",
    "other_clerk",
    "deputy",
    "other_deputy",
}
CLERKS = {"admin", "clerk", "city_clerk", "other_clerk"}


def _pair(w):
    return [make_pair(w).pk]


def _contact(w):
    return [make_contact(w).pk]


def _on_clerk(deny=403):
    return {r: deny for r in SEE_PAIR - ACT_PAIR}


COVERAGE = {
    "admin",
    "staff",
    "other_staff",
    "far_staff",
    "clerk",
    "city_clerk",
    "other_clerk",
}


def _grid_worker(w):
    """A grid without a worker: the grid home page needs a liaison post, which nobody in the
    named world holds, so every role gets 403 (tests/ties/test_grids.py logs a worker in)."""
    make_grid(w)
    return []


# The session is held at station A for 戴伟's district in X: clerks over X, station A's staff
# and the reporting deputy see it; clerks and staff run it.
SEE_SESSION = {"admin", "clerk", "city_clerk", "staff", "deputy"}
RUN_SESSION = {"admin", "clerk", "city_clerk", "staff"}
RB_LIST = {
    "admin",
    "staff",
    "other_staff",
    "far_staff",
    "clerk",
    "city_clerk",
    "other_clerk",
    "deputy",
    "other_deputy",
}


def _session(w):
    return [make_reportback(w).pk]


def _public_session(w):
    return [make_reportback(w).public_code]


# Appointments and meetings at station A: its staff, clerks over X, the deputy booked / taking
# part, admin. Only staff (and admin) act.
SEE_A = {"admin", "staff", "clerk", "city_clerk", "deputy"}
ACT_A = {"admin", "staff"}
ANSWER = {"message": "请于周三上午到站"}


def _appointment(w):
    return [make_appointment(w).pk]


def _meeting(w):
    return [make_meeting(w).pk]


def _item(w):
    return [make_item(w).pk]


ENTRIES = [
    Entry("ties:appointments", allow=RB_LIST, deny=403),
    Entry("ties:appointments", allow=RB_LIST, deny=403, query="export=xlsx"),
    Entry("ties:appointment_detail", args=_appointment, allow=SEE_A),
    Entry(
        "ties:appointment_confirm",
        args=_appointment,
        method="post",
        data=lambda w: ANSWER,
        allow=ACT_A,
        # The first allowed role answers (302); the next finds it answered (shown again, 200).
        ok=(302, 200),
        special={r: 403 for r in SEE_A - ACT_A},
    ),
    Entry(
        "ties:appointment_decline",
        args=_appointment,
        method="post",
        data=lambda w: ANSWER,
        allow=ACT_A,
        # The first allowed role answers (302); the next finds it answered (shown again, 200).
        ok=(302, 200),
        special={r: 403 for r in SEE_A - ACT_A},
    ),
    Entry("ties:meetings", allow=RB_LIST, deny=403),
    Entry("ties:meeting_create", allow={"admin", "staff", "other_staff", "far_staff"}, deny=403),
    Entry("ties:meeting_detail", args=_meeting, allow=SEE_A),
    Entry(
        "ties:meeting_item_add",
        args=_meeting,
        method="post",
        allow=ACT_A,
        special={r: 403 for r in SEE_A - ACT_A},
    ),
    # Without a rating chosen the page answers with a message and goes back to the meeting.
    Entry(
        "ties:meeting_item_rate",
        args=_item,
        method="post",
        allow=ACT_A,
        ok=302,
        special={r: 403 for r in SEE_A - ACT_A},
    ),
    # A deputy of the meeting rates the answer on their own page; others who see the meeting
    # (its staff, clerks, admin) may not rate for them there.
    Entry(
        "ties:meeting_item_rate_mine",
        args=_item,
        allow={"deputy"},
        special={r: 403 for r in SEE_A - {"deputy"}},
    ),
    Entry("ties:meeting_ratings", allow={"deputy", "other_deputy"}, deny=403),
    Entry("ties_public:book", args=lambda w: [w.station_a.public_code], public=True),
    Entry("ties_public:booked", args=lambda w: [w.station_a.public_code], public=True),
    Entry("ties:reportbacks", allow=RB_LIST, deny=403),
    Entry("ties:reportback_create", allow=RB_LIST - {"deputy", "other_deputy"}, deny=403),
    Entry("ties:reportback_compliance", allow=CLERKS | {"city_clerk"}, deny=403),
    Entry(
        "ties:reportback_compliance", allow=CLERKS | {"city_clerk"}, deny=403, query="on=2024-06-01"
    ),
    Entry("ties:reportback_detail", args=_session, allow=SEE_SESSION),
    Entry("ties:reportback_print", args=_session, allow=RUN_SESSION, special={"deputy": 403}),
    # An empty paper form is shown again with its errors (200) to those who run the session.
    Entry(
        "ties:reportback_paper",
        args=_session,
        method="post",
        allow=RUN_SESSION,
        special={"deputy": 403},
    ),
    Entry("ties_public:evaluate", args=_public_session, public=True),
    Entry("ties_public:evaluate_qr", args=_public_session, public=True),
    Entry("ties:coverage", allow=CLERKS | {"city_clerk"}, deny=403),
    Entry("ties:grids", allow=COVERAGE, deny=403),
    Entry("ties:grid_home", args=_grid_worker, allow=(), deny=403),
    Entry(
        "ties:deputy_grids",
        args=lambda w: [w.deputy_dave.pk],
        allow={"admin", "staff", "clerk", "city_clerk"},
        special={"deputy": 403},
    ),
    Entry("ties:pairs", allow=LIST, deny=403),
    Entry("ties:pairs", allow=LIST, deny=403, query="export=xlsx"),
    Entry(
        "ties:pair_create",
        allow={"admin", "staff", "deputy", "other_deputy", "far_staff"},
        deny=403,
    ),
    Entry("ties:pair_detail", args=_pair, allow=SEE_PAIR),
    Entry(
        "ties:pair_reveal",
        args=_pair,
        method="post",
        data=lambda w: {"reason": "call_back"},
        allow=ACT_PAIR,
        special=_on_clerk(),
    ),
    Entry("ties:pair_end", args=_pair, method="post", allow=ACT_PAIR, ok=302, special=_on_clerk()),
    Entry(
        "ties:contact_log",
        args=_pair,
        method="post",
        data=lambda w: {"kind": "phone", "on": "2024-03-05", "note": "电话回访"},
        allow=ACT_PAIR,
        ok=302,
        special=_on_clerk(),
    ),
    Entry(
        "ties:contact_raise",
        args=_contact,
        method="post",
        allow=ACT_PAIR,
        ok=302,
        special=_on_clerk(),
    ),
    Entry(
        "ties:committee_set",
        args=lambda w: [w.deputy_dave.pk],
        allow={"admin", "clerk", "city_clerk"},
        special={"other_clerk": 404},
        deny=403,
    ),
]
