"""Role matrix for the clerks' term pages (届): 戴伟 sits at station A in district X.

The list is for every clerk and admin (others 403); 戴伟's terms for admin and the clerks over
X; the clerk of district Y gets 404, every other role 403 (station staff see 戴伟 but terms
are the clerks'): the rule for clerks' settings pages, tests/matrix.py ``clerk_page``,
``clerk_object``."""

from __future__ import annotations

import datetime as dt

from ..matrix import clerk_object, clerk_page

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
    clerk_page("deputies:terms"),
    clerk_page("deputies:terms", query="level=district&q=dw"),
    clerk_object("deputies:deputy_terms", DAVE),
    # The second allowed role finds the same term recorded (overlap: the form again, 400).
    clerk_object("deputies:deputy_terms", DAVE, data=lambda w: TERM, ok=(302, 400)),
    clerk_object("deputies:term_edit", _term),
    clerk_object("deputies:term_edit", _term, data=lambda w: {**TERM, "number": "10"}),
    clerk_object("deputies:term_delete", _term, method="post", ok=(302, 404)),
]
