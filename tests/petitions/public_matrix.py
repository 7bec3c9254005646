"""Role matrix for the constituent pages (/p/): public, the same answer for everyone."""

from ..matrix import Entry
from .public_support import submit


def _code(world) -> list:
    return [submit(world).tracking_code]


ENTRIES = [
    Entry("public:station_submit", args=lambda w: [w.station_a.public_code], public=True),
    Entry("public:deputy_submit", args=lambda w: [w.deputy_dave.public_code], public=True),
    Entry("public:captcha", public=True),
    Entry("public:receipt", args=_code, public=True),
    Entry("public:track", public=True),
    Entry("public:track_detail", args=_code, public=True),
    # A fresh case cannot be rated yet: everyone gets the page that says so.
    Entry("public:rate", args=_code, public=True),
    Entry("public:rated", args=_code, public=True),
]
