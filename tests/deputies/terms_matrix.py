"""Role matrix for the clerks' term pages (届): 戴伟 sits at station A in district X.

The list is for every clerk and admin (others 403); 戴伟's terms for admin and the clerks over
X; the clerk of district Y gets 404, every other role 403 (station staff see 戴伟 but terms
are the clerks')."""

from __future__ import annotations

import datetime as dt

from ..matrix import Entry

CLERKS = {"admin", "clerk", "city_clerk", "other_clerk"}
OVER_X = {"admin", "clerk", "city_clerk"}
Y_404 = {"other_clerk": 404}
DAVE = lambda w: [w.deputy_dave.pk]  # noqa: E731


def _term(w):
    from deputies.models import DeputyTerm

    term = DeputyTerm.objects.create(
        deputy=w.deputy_dave,
        level="district",
        number=9,
        start=dt.date(2021, 12, 20),
        end=dt.date(2026, 12, 19),
    )
    return [term.pk]


TERM = {"level": "district", "number": "9", "start": "2021-12-20", "end": "2026-12-19"}

ENTRIES = [
    Entry("deputies:terms", allow=CLERKS, deny=403),
    Entry("deputies:terms", allow=CLERKS, deny=403, query="level=district&q=dw"),
    Entry("deputies:deputy_terms", args=DAVE, allow=OVER_X, special=Y_404, deny=403),
    # The second allowed role finds the same term recorded (overlap: the form again, 400).
    Entry(
        "deputies:deputy_terms",
        args=DAVE,
        method="post",
        data=lambda w: TERM,
        allow=OVER_X,
        ok=(302, 400),
        special=Y_404,
        deny=403,
    ),
    Entry("deputies:term_edit", args=_term, allow=OVER_X, special=Y_404, deny=403),
    Entry(
        "deputies:term_edit",
        args=_term,
        method="post",
        data=lambda w: {**TERM, "number": "10"},
        allow=OVER_X,
        ok=302,
        special=Y_404,
        deny=403,
    ),
    Entry(
        "deputies:term_delete",
        args=_term,
        method="post",
        allow=OVER_X,
        ok=(302, 404),
        special=Y_404,
        deny=403,
    ),
]
