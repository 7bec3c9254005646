"""Open cases' deadlines after a year's holiday notice is loaded (called by core.services).

A deadline counted into a year whose notice was missing counted every weekday of it as a
working day (2026-12-30 + 2 working days gave 2027-01-01, New Year's Day). The number of working
days the department was given is kept: it is counted again on the new calendar from the day
the deadline was set, or from the last day before the loaded year when it was set earlier
(the two calendars agree before that year).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workdays import Calendar

from .choices import UNDER_DEADLINE, EventKind, Status
from .models import Petition, PetitionEvent
from .supervision import move_deadlines


def _deadline_set_on(cases: list[Petition]) -> dict[int, dt.date]:
    """The day each case's deadline was last set: assignment, reopening or an extension."""
    rows = (
        PetitionEvent.objects.filter(petition__in=cases)
        .filter(
            Q(kind=EventKind.TRANSITION, to_status=Status.ASSIGNED)
            | Q(kind=EventKind.EXTENSION_DECIDED)
        )
        .values("petition_id")
        .annotate(at=Max("created_at"))
        .values_list("petition_id", "at")
    )
    found = {pk: timezone.localdate(at) for pk, at in rows}
    for p in cases:
        if p.pk not in found and p.assigned_at:
            found[p.pk] = timezone.localdate(p.assigned_at)
    return found


def recompute_year(*, actor, year: int, before: Calendar, after: Calendar) -> str:
    """Move the deadlines of open cases that fall in ``year`` or later; one event per case."""
    first = dt.date(year, 1, 1)
    cases = list(
        Petition.objects.select_for_update()
        .filter(status__in=UNDER_DEADLINE, deadline__gte=first)
        .order_by("pk")
    )
    set_on = _deadline_set_on(cases)
    changed, events = [], []
    for p in cases:
        assert p.deadline is not None  # the queryset selects cases with a deadline
        start = set_on.get(p.pk, first)
        anchor = start if start >= first else first - dt.timedelta(days=1)
        new = after.add_working_days(anchor, before.working_days_between(anchor, p.deadline))
        if new == p.deadline:
            continue
        events.append(
            PetitionEvent(
                petition=p,
                kind=EventKind.NOTE,
                actor=actor,
                actor_label="" if actor else "system",
                from_status=p.status,
                to_status=p.status,
                note=_(
                    "Deadline recomputed after the %(year)s holidays were loaded: %(old)s → %(new)s"
                )
                % {"year": year, "old": p.deadline.isoformat(), "new": new.isoformat()},
                is_public=False,
            )
        )
        p.deadline, p.version = new, p.version + 1
        changed.append(p)
    Petition.objects.bulk_update(changed, ["deadline", "version"], batch_size=500)
    move_deadlines({p.pk: p.deadline for p in changed if p.deadline is not None})
    PetitionEvent.objects.bulk_create(events, batch_size=500)
    return _("%(n)s deadlines recomputed") % {"n": len(changed)}
