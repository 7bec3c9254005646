"""Writes of the core app: loading a year's State Council holiday notice.

国务院办公厅每年发布《关于某年部分节假日安排的通知》: public holidays and the weekend days worked
in exchange (调休). Deadlines count working days, so until a year's notice is loaded every
weekday of it counts as a working day and what falls in it is provisional. Loading the notice
replaces that year's rows, marks the year covered, and lets each app recompute what it computed
into that year: each app may have a ``calendar_recompute.py`` with
``recompute_year(*, actor, year, before, after) -> str`` (a short summary), discovered like
``schedules.py``, so core calls upwards without importing the apps.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import logging

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import CalendarSource, CalendarYear, Holiday
from .roles import roles_of
from .workdays import Calendar, HolidayDay, forget_covered_years, package_days, package_years

log = logging.getLogger(__name__)

# Words accepted in the "kind" column of an uploaded table, as people write them.
_OFF = {"holiday", "off", "休", "假", "休息", "放假", "节假日"}
_WORK = {"workday", "work", "班", "上班", "调休", "补班", "工作日"}


class CalendarError(DomainError):
    """A holiday table that cannot be loaded as it is."""


def parse_holiday_table(text: str, *, year: int) -> list[HolidayDay]:
    """Rows ``date,kind,name`` (a header line is allowed) → days; errors name the line."""
    days: list[HolidayDay] = []
    seen: set[dt.date] = set()
    for number, row in enumerate(csv.reader(io.StringIO(text.strip().lstrip("\ufeff"))), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or (number == 1 and cells[0].lower() in {"date", "日期"}):
            continue
        if len(cells) < 2:
            raise CalendarError(_("Line %(n)s: write date, kind and name.") % {"n": number})
        try:
            day = dt.date.fromisoformat(cells[0].replace("/", "-"))
        except ValueError:
            raise CalendarError(
                _("Line %(n)s: “%(v)s” is not a date like 2027-01-01.")
                % {"n": number, "v": cells[0]}
            ) from None
        kind = cells[1].lower()
        if kind not in _OFF | _WORK:
            raise CalendarError(
                _("Line %(n)s: the kind must be “holiday” (休) or “workday” (班).") % {"n": number}
            )
        if day.year != year:
            raise CalendarError(
                _("Line %(n)s: %(d)s is not in %(y)s.") % {"n": number, "d": day, "y": year}
            )
        if day in seen:
            raise CalendarError(_("Line %(n)s: %(d)s is listed twice.") % {"n": number, "d": day})
        seen.add(day)
        days.append(HolidayDay(date=day, is_workday=kind in _WORK, name=(cells[2:] or [""])[0]))
    if not days:
        raise CalendarError(_("The table has no days."))
    return days


def _check_days(days: list[HolidayDay]) -> None:
    for day in days:
        if day.is_workday and day.date.weekday() < 5:
            raise CalendarError(
                _("%(d)s is a weekday: a make-up working day (调休) is a Saturday or Sunday.")
                % {"d": day.date}
            )


def _recompute_modules() -> list:
    found = []
    for config in apps.get_app_configs():
        try:
            found.append(importlib.import_module(f"{config.name}.calendar_recompute"))
        except ModuleNotFoundError:
            continue
    return found


@transaction.atomic
def calendar_year_load(*, actor, year: int, days: list[HolidayDay] | None = None) -> CalendarYear:
    """Load one year's notice (from chinese-calendar when ``days`` is None) and recompute.

    The year's holiday rows are replaced as a whole, so loading a corrected notice again is
    safe. Then every app's ``recompute_year`` moves what it had computed into that year.
    """
    if actor is not None and not roles_of(actor).is_admin:
        raise PermissionDenied(_("Only administrators may load holidays."))
    source = CalendarSource.ENTERED
    if days is None:
        if year not in package_years():
            raise CalendarError(
                _(
                    "The chinese-calendar package does not know %(y)s yet: enter or upload the "
                    "State Council notice's days."
                )
                % {"y": year}
            )
        days, source = package_days(year), CalendarSource.PACKAGE
    _check_days(days)
    # Lock the year's row first: two administrators loading at once queue up here.
    entry, _created = CalendarYear.objects.select_for_update().get_or_create(
        year=year, defaults={"source": source, "loaded_by": actor}
    )
    before = Calendar()
    if _created and before.covered is not None:
        before.covered.discard(year)
    Holiday.objects.filter(date__year=year).delete()
    Holiday.objects.bulk_create(
        [Holiday(date=d.date, name=d.name[:64], is_workday=d.is_workday) for d in days]
    )
    after = Calendar()
    summaries = [
        module.recompute_year(actor=actor, year=year, before=before, after=after)
        for module in _recompute_modules()
    ]
    entry.source, entry.loaded_by = source, actor
    entry.summary = "; ".join(s for s in summaries if s)[:300]
    entry.save()
    transaction.on_commit(forget_covered_years)
    log.info("holidays of %s loaded (%s days): %s", year, len(days), entry.summary)
    return entry


# ---------------------------------------------------------------------------------------------
# Notifications


@transaction.atomic
def notifications_mark_all_read(*, actor) -> int:
    """Mark every unread notification of ``actor`` read; returns how many were unread."""
    from django.utils import timezone

    from .models import Notification

    return Notification.objects.filter(user=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def notification_preferences_save(
    *, actor, choices: dict[str, dict[str, bool]], daily_digest: bool
) -> None:
    """Store how ``actor`` wants to be told per kind ({kind: {"in_app", "email", "sms"}}) and
    whether email and SMS wait for one daily digest."""
    from .models import ALWAYS_IN_APP, NotificationKind, NotificationPreference, User

    user = User.objects.select_for_update().get(pk=actor.pk)
    for kind, channels in choices.items():
        if kind not in NotificationKind.values:
            raise ValueError(kind)
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=kind,
            defaults={
                "in_app": channels["in_app"] or kind in ALWAYS_IN_APP,
                "email": channels["email"],
                "sms": channels["sms"],
            },
        )
    user.daily_digest = daily_digest
    user.save(update_fields=["daily_digest"])
