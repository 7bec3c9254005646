"""The one writer of a case's Supervision row besides the sweep (petitions.tasks).

The loop's services call ``follow`` from their common save (``services._save``): a case that is
assigned or handling has a row whose ``deadline`` is its deadline; a case that leaves those
states keeps its row (the level reached stays on the record) with an empty deadline, so the
sweep no longer reads it. Setting a deadline (assignment, routing, return, an approved
extension, reopening) starts supervision again: level 0, not yet reminded.
"""

from __future__ import annotations

import datetime as dt

from .choices import UNDER_DEADLINE, Escalation
from .models import Petition, Supervision


def follow(petition: Petition, *, restart: bool) -> None:
    """Bring the case's supervision row in step with the case just saved."""
    deadline = petition.deadline if petition.status in UNDER_DEADLINE else None
    values: dict = {"deadline": deadline}
    if restart:
        values |= {"level": Escalation.NONE, "reminded_on": None, "escalated_on": None}
    updated = Supervision.objects.filter(petition_id=petition.pk).update(**values)
    if not updated and deadline is not None:
        Supervision.objects.create(petition_id=petition.pk, **values)
    # A row read earlier through select_related is out of date now.
    petition._state.fields_cache.pop("supervision", None)


def move_deadlines(changes: dict[int, dt.date]) -> None:
    """Deadlines moved without restarting supervision (a recomputed calendar): same level."""
    rows = list(Supervision.objects.filter(petition_id__in=list(changes), deadline__isnull=False))
    for row in rows:
        row.deadline = changes[row.petition_id]
    Supervision.objects.bulk_update(rows, ["deadline"], batch_size=500)
