"""Role matrix for the working-day pages: the to-do home, routing rules, canned replies."""

from ..matrix import Entry

STATION_STAFF = {"staff", "other_staff", "far_staff"}
DEPUTIES = {"deputy", "other_deputy"}
HANDLERS = {"handler", "other_handler"}

ENTRIES = [
    # Staff, deputies and handlers each see their own part; the others have no to-do home.
    Entry("todo:home", allow=STATION_STAFF | DEPUTIES | HANDLERS, deny=403),
]

ENTRIES += [
    # The earlier-cases fragment under the phone field: those who record opinions.
    Entry(
        "petitions:phone_history",
        allow={"admin"} | STATION_STAFF,
        deny=403,
        query="phone=13812345678",
    ),
]
