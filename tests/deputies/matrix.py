import datetime as dt

from ..matrix import Entry

# Registry pages without an object are for admins, clerks and station staff; other roles get 403.
MANAGERS = ("admin", "staff", "other_staff", "far_staff", "clerk", "city_clerk", "other_clerk")
# Who may see and change 戴伟 (station A, district X): admin, A's staff and clerks over X.
EDIT_DAVE = ("admin", "staff", "clerk", "city_clerk")
NO_BUSINESS = {
    "deputy": 403,
    "other_deputy": 403,
    "handler": 403,
    "other_handler": 403,
    "nobody": 403,
}


def _dave(w):
    return [w.deputy_dave.pk]


def _dave_assignment(w):
    return [w.deputy_dave.assignments.get().pk]


def _code(w):
    return [w.deputy_dave.public_code]


ENTRIES = [
    Entry("deputies:list", allow=MANAGERS, special=NO_BUSINESS),
    Entry("deputies:list", allow=MANAGERS, special=NO_BUSINESS, query="q=dw&level=district"),
    Entry("deputies:export", allow=MANAGERS, special=NO_BUSINESS),
    Entry("deputies:import_template", allow=MANAGERS, special=NO_BUSINESS),
    Entry("deputies:import", allow=MANAGERS, special=NO_BUSINESS),
    Entry("deputies:create", allow=MANAGERS, special=NO_BUSINESS),
    # A deputy sees their own record; the other deputy and outsiders get 404.
    Entry("deputies:detail", args=_dave, allow=(*EDIT_DAVE, "deputy")),
    Entry("deputies:edit", args=_dave, allow=EDIT_DAVE),
    Entry(
        "deputies:reveal_phone",
        args=_dave,
        method="post",
        data=lambda w: {"reason": "call_back"},
        allow={"admin", "staff", "clerk", "city_clerk"},
        special={"deputy": 403},
    ),
    # Adding room A-1 (below station A) as a second station; a repeat is refused with a message.
    Entry(
        "deputies:assign",
        args=_dave,
        method="post",
        allow=EDIT_DAVE,
        ok=302,
        data=lambda w: {"station": w.room_a1.pk, "start_date": dt.date(2024, 1, 1).isoformat()},
    ),
    Entry("deputies:end_assignment", args=_dave_assignment, method="post", allow=EDIT_DAVE, ok=302),
    # Only deputies have a "me" page; everyone else gets 404.
    Entry("deputies:me", allow=("deputy", "other_deputy")),
    Entry("deputies:public", args=_code, public=True),
    Entry("deputies:qr_svg", args=_code, public=True),
    Entry("deputies:qr_png", args=_code, public=True),
    # Wrong method (anonymous users are sent to log in first).
    Entry("deputies:assign", args=_dave, allow=(), deny=405),
    Entry("deputies:end_assignment", args=_dave_assignment, allow=(), deny=405),
]
