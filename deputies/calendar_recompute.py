"""Planned reception days after a year's holiday notice is loaded (called by core.services).

A rule's days for a year without a notice were generated as if it had no holidays, so a day
may now fall on one, with deputies already on duty. Each such day is moved as its rule's
holiday policy says (next working day; or cancelled when the rule skips holidays), keeping its
duties; the deputies on duty are told, and the day's history gets a line. Days already held,
in the past or with attendance recorded are left alone, as regeneration does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notify import notify_users
from core.workdays import Calendar

from .roster.choices import ATTENDANCE_RECORDED, DayStatus, DutyStatus
from .roster.models import Duty, ReceptionDay, ReceptionDayEvent
from .roster.services import days_generate
from .rules import rule_dates

_SEARCH = dt.timedelta(days=14)  # how far a moved day may land from where it was


def _target(day: dt.date, missing: list[dt.date], after: Calendar) -> dt.date | None:
    """The rule's new date that replaces ``day``: its next working day, else the nearest."""
    near = [d for d in missing if abs(d - day) <= _SEARCH]
    if not near:
        return None
    preferred = after.next_workday(day)
    return preferred if preferred in near else min(near, key=lambda d: abs(d - day))


def _tell(day: ReceptionDay, subject: str, key: str) -> None:
    users = [d.deputy.user for d in day.duties.all() if d.status == DutyStatus.ASSIGNED]
    notify_users(
        [u for u in users if u is not None],
        subject=subject,
        url=day.get_absolute_url(),
        dedupe_key=key,
    )


def recompute_year(*, actor, year: int, before: Calendar, after: Calendar) -> str:
    """Move or cancel the coming planned days of ``year`` that the notice changed."""
    start, end = max(dt.date(year, 1, 1), timezone.localdate()), dt.date(year, 12, 31)
    days = (
        ReceptionDay.objects.select_for_update(of=("self",))
        .filter(date__range=(start, end), status=DayStatus.PLANNED, rule__is_active=True)
        .select_related("rule", "station")
        .prefetch_related(Prefetch("duties", queryset=Duty.objects.select_related("deputy__user")))
        .order_by("date")
    )
    by_rule: dict[int, list[ReceptionDay]] = defaultdict(list)
    for day in days:
        if day.rule_id is not None:
            by_rule[day.rule_id].append(day)
    moved = cancelled = 0
    stations = {}
    for group in by_rule.values():
        rule = group[0].rule
        wanted = set(rule_dates(rule, start, end, after))
        missing = sorted(wanted - {d.date for d in group})
        for day in group:
            if day.date in wanted or any(d.status in ATTENDANCE_RECORDED for d in day.duties.all()):
                continue
            old, new = day.date, _target(day.date, missing, after)
            slot_taken = (
                new is not None
                and ReceptionDay.objects.filter(
                    station=day.station, date=new, start_time=day.start_time
                ).exists()
            )
            if new is not None and not slot_taken:
                missing.remove(new)
                day.date = new
                day.save(update_fields=["date"])
                note = _("Moved after the %(year)s holidays were loaded: %(old)s is a holiday") % {
                    "year": year,
                    "old": old.isoformat(),
                }
                subject = _("Your reception duty on %(old)s moves to %(new)s (public holiday)") % {
                    "old": old.isoformat(),
                    "new": new.isoformat(),
                }
                moved += 1
            else:
                new = None
                day.status = DayStatus.CANCELLED
                day.save(update_fields=["status"])
                note = _(
                    "Cancelled after the %(year)s holidays were loaded: %(old)s is a holiday"
                ) % {
                    "year": year,
                    "old": old.isoformat(),
                }
                subject = _("Your reception duty on %(old)s is cancelled (public holiday)") % {
                    "old": old.isoformat()
                }
                cancelled += 1
            ReceptionDayEvent.objects.create(
                day=day, actor=actor, from_date=old, to_date=new, note=note
            )
            _tell(day, subject, f"day:{day.pk}:calendar:{old.isoformat()}")
            stations[day.station_id] = day.station
    # Days a rule now wants and nobody had (e.g. a corrected notice) are generated as usual.
    for station in stations.values():
        days_generate(actor=None, station=station, start=start, end=end)
    return _("%(moved)s reception days moved, %(cancelled)s cancelled") % {
        "moved": moved,
        "cancelled": cancelled,
    }
