"""Every write to the roster: rules, reception days, duties, attendance, swaps, calendar tokens.

Services take the acting user (``actor``; None for the system, e.g. a Celery task), re-check
rights and raise PermissionDenied or RosterError with a message fit for the user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.notify import notify_users
from core.roles import roles_of
from core.workdays import Calendar
from stations.models import Department, Station
from stations.scope import station_staff

from ..models import Deputy, StationAssignment
from ..rules import rule_dates
from .choices import ATTENDANCE_RECORDED, DayKind, DayStatus, DutyStatus, SwapStatus
from .models import (
    DayDepartment,
    DeputyCalendarToken,
    Duty,
    ReceptionDay,
    ReceptionRule,
    SwapRequest,
    Unavailability,
)
from .rights import can_manage_deputy, can_manage_station

# A deputy may check in from half an hour before the start until half an hour after the end,
# and counts as present up to a few minutes after the start.
CHECKIN_MARGIN = dt.timedelta(minutes=30)
CHECKIN_GRACE = dt.timedelta(minutes=10)
GENERATE_AHEAD_DAYS = 366


class RosterError(DomainError):
    """An action that is not allowed in the current state; the message is shown to the user."""


def _require_manage(actor, station: Station) -> None:
    if actor is not None and not can_manage_station(actor, station):
        raise PermissionDenied(_("Only the station's staff may change its roster."))


def _actor_deputy(actor) -> Deputy:
    deputy_id = roles_of(actor).deputy_id
    if deputy_id is None:
        raise PermissionDenied(_("Only deputies can do this."))
    return Deputy.objects.get(pk=deputy_id)


def _is_current_at(deputy_id: int, station: Station) -> bool:
    return StationAssignment.objects.filter(
        deputy_id=deputy_id, station=station, end_date__isnull=True, deputy__is_active=True
    ).exists()


def _local_today() -> dt.date:
    return timezone.localdate()


# --- Rules and reception days ----------------------------------------------------------------


@dataclass
class GenerationResult:
    created: int = 0
    updated: int = 0
    removed: int = 0

    def __iadd__(self, other: GenerationResult) -> GenerationResult:
        self.created += other.created
        self.updated += other.updated
        self.removed += other.removed
        return self


def _touchable(day: ReceptionDay, today: dt.date) -> bool:
    """A day regeneration may change: still planned, in the future, no attendance recorded."""
    if day.status != DayStatus.PLANNED or day.date < today:
        return False
    return not any(d.status in ATTENDANCE_RECORDED for d in day.duties.all())


def _sync_rule(
    rule: ReceptionRule, start: dt.date, end: dt.date, calendar: Calendar, today: dt.date
) -> GenerationResult:
    result = GenerationResult()
    wanted = set(rule_dates(rule, start, end, calendar)) if rule.is_active else set()
    existing = {
        d.date: d
        for d in ReceptionDay.objects.filter(rule=rule, date__range=(start, end)).prefetch_related(
            "duties"
        )
    }
    place = rule.place
    for day in existing.values():
        if not _touchable(day, today):
            continue
        if day.date not in wanted:
            day.delete()
            result.removed += 1
        elif (day.start_time, day.end_time, day.place) != (rule.start_time, rule.end_time, place):
            day.start_time, day.end_time, day.place = rule.start_time, rule.end_time, place
            try:
                with transaction.atomic():
                    day.save(update_fields=["start_time", "end_time", "place"])
                result.updated += 1
            except IntegrityError:
                pass  # another day already holds that slot; leave this one as it was
    taken = set(
        ReceptionDay.objects.filter(station=rule.station, date__in=wanted).values_list(
            "date", "start_time"
        )
    )
    new = [
        ReceptionDay(
            station=rule.station,
            rule=rule,
            date=date,
            start_time=rule.start_time,
            end_time=rule.end_time,
            place=place,
            kind=DayKind.REGULAR,
        )
        for date in sorted(wanted - existing.keys())
        if (date, rule.start_time) not in taken
    ]
    ReceptionDay.objects.bulk_create(new, ignore_conflicts=True)
    result.created += len(new)
    return result


@transaction.atomic
def days_generate(
    *, actor, station: Station, start: dt.date, end: dt.date, today: dt.date | None = None
) -> GenerationResult:
    """Generate (or regenerate) a station's reception days between two dates from its rules.

    Idempotent. Days already held, in the past or with attendance recorded are left alone.
    """
    _require_manage(actor, station)
    today = today or _local_today()
    calendar = Calendar()
    result = GenerationResult()
    for rule in ReceptionRule.objects.filter(station=station).select_related("station"):
        result += _sync_rule(rule, start, end, calendar, today)
    return result


@transaction.atomic
def rule_save(*, actor, rule: ReceptionRule, today: dt.date | None = None) -> GenerationResult:
    """Create or change a reception rule and regenerate its coming days (the next 12 months)."""
    _require_manage(actor, rule.station)
    rule.full_clean()
    rule.save()
    today = today or _local_today()
    return _sync_rule(
        rule, today, today + dt.timedelta(days=GENERATE_AHEAD_DAYS), Calendar(), today
    )


@transaction.atomic
def rule_delete(*, actor, rule: ReceptionRule, today: dt.date | None = None) -> int:
    """Delete a rule and its coming planned days; held days stay (without the rule)."""
    _require_manage(actor, rule.station)
    today = today or _local_today()
    removed = 0
    for day in rule.days.filter(date__gte=today).prefetch_related("duties"):
        if _touchable(day, today):
            day.delete()
            removed += 1
    rule.delete()
    return removed


def extend_all_stations(today: dt.date | None = None) -> GenerationResult:
    """Keep the next 12 months of every station with an active rule generated (beat task)."""
    today = today or _local_today()
    result = GenerationResult()
    station_ids = ReceptionRule.objects.values_list("station_id", flat=True).distinct()
    for station in Station.objects.filter(pk__in=station_ids, is_active=True):
        result += days_generate(
            actor=None,
            station=station,
            start=today,
            end=today + dt.timedelta(days=GENERATE_AHEAD_DAYS),
            today=today,
        )
    return result


@transaction.atomic
def day_create(
    *,
    actor,
    station: Station,
    date: dt.date,
    start_time: dt.time,
    end_time: dt.time,
    place: str = "",
    topic: str = "",
    kind: str = DayKind.ONE_OFF,
) -> ReceptionDay:
    """Add a reception day by hand: a themed reception, a department visit, a one-off meeting."""
    _require_manage(actor, station)
    if end_time <= start_time:
        raise RosterError(_("The reception must end after it starts."))
    if ReceptionDay.objects.filter(station=station, date=date, start_time=start_time).exists():
        raise RosterError(_("The station already has a reception at that date and time."))
    return ReceptionDay.objects.create(
        station=station,
        date=date,
        start_time=start_time,
        end_time=end_time,
        place=place or station.address or station.name,
        topic=topic,
        kind=kind,
    )


@transaction.atomic
def day_set_status(*, actor, day: ReceptionDay, status: str) -> ReceptionDay:
    """Mark a reception day held, cancelled or planned again."""
    day = ReceptionDay.objects.select_for_update().get(pk=day.pk)
    _require_manage(actor, day.station)
    if status not in DayStatus.values:
        raise RosterError(_("Unknown status."))
    if status == DayStatus.CANCELLED and day.duties.filter(status__in=ATTENDANCE_RECORDED).exists():
        raise RosterError(_("Attendance is recorded for this day; it cannot be cancelled."))
    day.status = status
    day.save(update_fields=["status"])
    return day


@transaction.atomic
def day_department_add(*, actor, day: ReceptionDay, department: Department) -> DayDepartment:
    """Schedule a department to join a reception day."""
    _require_manage(actor, day.station)
    if (
        actor is not None
        and not Department.objects.visible_to(actor).filter(pk=department.pk).exists()
    ):
        raise PermissionDenied(_("You cannot schedule that department."))
    link, _created = DayDepartment.objects.get_or_create(day=day, department=department)
    return link


@transaction.atomic
def day_department_remove(*, actor, link: DayDepartment) -> None:
    """Take a department off a reception day."""
    _require_manage(actor, link.day.station)
    link.delete()


@transaction.atomic
def department_rotation_save(*, actor, station: Station, pairs: list[tuple[int, int]]) -> int:
    """Save the department rotation shown in the preview: (day id, department id) pairs.

    Each pair is checked again: a coming planned day of this station and an active department of
    the station's area. Returns the number of turns added (pairs already saved are skipped).
    """
    from .selectors import rotation_departments

    _require_manage(actor, station)
    days = set(
        ReceptionDay.objects.filter(
            station=station,
            status=DayStatus.PLANNED,
            date__gte=_local_today(),
            pk__in={p[0] for p in pairs},
        ).values_list("pk", flat=True)
    )
    departments = set(rotation_departments(station).values_list("pk", flat=True))
    if any(day_id not in days or dep_id not in departments for day_id, dep_id in pairs):
        raise RosterError(_("The roster changed since the preview; please preview again."))
    links = DayDepartment.objects.filter(day__station=station)
    before = links.count()
    DayDepartment.objects.bulk_create(
        [DayDepartment(day_id=d, department_id=dep) for d, dep in pairs], ignore_conflicts=True
    )
    return links.count() - before


# --- Duties ----------------------------------------------------------------------------------


def _unavailable(deputy_id: int, date: dt.date) -> bool:
    return Unavailability.objects.filter(
        deputy_id=deputy_id, start__lte=date, end__gte=date
    ).exists()


@transaction.atomic
def duty_assign(*, actor, day: ReceptionDay, deputy: Deputy) -> Duty:
    """Put a deputy of the station on duty at a reception day."""
    _require_manage(actor, day.station)
    if day.status == DayStatus.CANCELLED:
        raise RosterError(_("This reception day is cancelled."))
    if not _is_current_at(deputy.pk, day.station):
        raise RosterError(_("%(name)s is not a deputy of this station.") % {"name": deputy.name})
    if _unavailable(deputy.pk, day.date):
        raise RosterError(_("%(name)s is marked unavailable on that day.") % {"name": deputy.name})
    duty, created = Duty.objects.get_or_create(day=day, deputy=deputy)
    if not created:
        raise RosterError(_("%(name)s is already on duty that day.") % {"name": deputy.name})
    return duty


@transaction.atomic
def duty_remove(*, actor, duty: Duty) -> None:
    """Take a deputy off a reception day (not once attendance is recorded)."""
    _require_manage(actor, duty.day.station)
    if duty.attendance_recorded:
        raise RosterError(_("Attendance is recorded for this duty; it cannot be removed."))
    duty.delete()


@transaction.atomic
def autofill_save(*, actor, station: Station, pairs: list[tuple[int, int]]) -> int:
    """Save the proposed roster shown in the preview: (day id, deputy id) pairs; returns duties added.

    Each pair is checked again: the day must be a planned day of this station and the deputy a
    current deputy of it, available that day.
    """
    _require_manage(actor, station)
    days = {
        d.pk: d
        for d in ReceptionDay.objects.filter(
            station=station, status=DayStatus.PLANNED, pk__in={p[0] for p in pairs}
        )
    }
    current = set(
        StationAssignment.objects.filter(
            station=station, end_date__isnull=True, deputy__is_active=True
        ).values_list("deputy_id", flat=True)
    )
    away = list(
        Unavailability.objects.filter(deputy_id__in=current).values_list(
            "deputy_id", "start", "end"
        )
    )
    duties = []
    for day_id, deputy_id in pairs:
        day = days.get(day_id)
        if day is None or deputy_id not in current:
            raise RosterError(_("The roster changed since the preview; please preview again."))
        if any(d == deputy_id and s <= day.date <= e for d, s, e in away):
            raise RosterError(_("The roster changed since the preview; please preview again."))
        duties.append(Duty(day=day, deputy_id=deputy_id))
    before = Duty.objects.filter(day__station=station).count()
    Duty.objects.bulk_create(duties, ignore_conflicts=True)
    return Duty.objects.filter(day__station=station).count() - before


# --- Attendance ------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *, actor, duty: Duty, status: str, reason: str = "", replaced_by: Deputy | None = None
) -> Duty:
    """Record a duty's attendance: present, late, absent (with a reason) or replaced by someone."""
    duty = (
        Duty.objects.select_for_update(of=("self",)).select_related("day__station").get(pk=duty.pk)
    )
    _require_manage(actor, duty.day.station)
    if status not in DutyStatus.values:
        raise RosterError(_("Unknown attendance status."))
    reason = reason.strip()
    if status == DutyStatus.ABSENT and not reason:
        raise RosterError(_("Give the reason for the absence."))
    if status == DutyStatus.REPLACED:
        if replaced_by is None:
            raise RosterError(_("Choose the deputy who stood in."))
        if replaced_by.pk == duty.deputy_id:
            raise RosterError(_("A deputy cannot replace themselves."))
        if not _is_current_at(replaced_by.pk, duty.day.station):
            raise RosterError(
                _("%(name)s is not a deputy of this station.") % {"name": replaced_by.name}
            )
    duty.status = status
    duty.absence_reason = reason if status in (DutyStatus.ABSENT, DutyStatus.REPLACED) else ""
    duty.replaced_by = replaced_by if status == DutyStatus.REPLACED else None
    duty.recorded_by = actor
    duty.recorded_at = timezone.now()
    duty.save(
        update_fields=["status", "absence_reason", "replaced_by", "recorded_by", "recorded_at"]
    )
    return duty


def _window(day: ReceptionDay) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day.date, day.start_time, tzinfo=tz)
    end = dt.datetime.combine(day.date, day.end_time, tzinfo=tz)
    return start, end


@transaction.atomic
def duty_checkin(*, actor, station: Station, now: dt.datetime | None = None) -> Duty:
    """A deputy checks in at a station: finds today's duty in its time window, present or late."""
    deputy = _actor_deputy(actor)
    now = timezone.localtime(now or timezone.now())
    duties = (
        Duty.objects.select_for_update(of=("self",))
        .filter(deputy=deputy, day__station=station, day__date=now.date())
        .exclude(day__status=DayStatus.CANCELLED)
        .select_related("day")
    )
    if not duties:
        raise RosterError(_("You are not on duty at this station today."))
    for duty in duties:
        start, end = _window(duty.day)
        if start - CHECKIN_MARGIN <= now <= end + CHECKIN_MARGIN:
            if duty.checked_in_at is not None or duty.attendance_recorded:
                raise RosterError(_("You have already checked in for this reception."))
            duty.status = DutyStatus.LATE if now > start + CHECKIN_GRACE else DutyStatus.PRESENT
            duty.checked_in_at = now
            duty.recorded_at = now
            duty.recorded_by = actor
            duty.save(update_fields=["status", "checked_in_at", "recorded_at", "recorded_by"])
            return duty
    first = duties[0].day
    raise RosterError(
        _(
            "Check-in is open from 30 minutes before to 30 minutes after today's reception "
            "(%(start)s–%(end)s)."
        )
        % {"start": first.start_time.strftime("%H:%M"), "end": first.end_time.strftime("%H:%M")}
    )


# --- Unavailability --------------------------------------------------------------------------


@transaction.atomic
def unavailability_add(
    *, actor, deputy: Deputy, start: dt.date, end: dt.date, reason: str = ""
) -> Unavailability:
    """Mark a deputy unavailable: the deputy themself, or staff of one of the deputy's stations."""
    if roles_of(actor).deputy_id != deputy.pk and not can_manage_deputy(actor, deputy):
        raise PermissionDenied(_("You cannot change this deputy's availability."))
    if end < start:
        raise RosterError(_("The end date must not be before the start date."))
    return Unavailability.objects.create(
        deputy=deputy, start=start, end=end, reason=reason.strip(), created_by=actor
    )


@transaction.atomic
def unavailability_update(
    *, actor, unavailability: Unavailability, start: dt.date, end: dt.date, reason: str = ""
) -> Unavailability:
    """Change a deputy's unavailable period: staff of one of the deputy's stations."""
    unavailability = Unavailability.objects.select_for_update().get(pk=unavailability.pk)
    if not can_manage_deputy(actor, unavailability.deputy):
        raise PermissionDenied(_("You cannot change this deputy's availability."))
    if end < start:
        raise RosterError(_("The end date must not be before the start date."))
    unavailability.start, unavailability.end = start, end
    unavailability.reason = reason.strip()
    unavailability.save(update_fields=["start", "end", "reason"])
    return unavailability


@transaction.atomic
def unavailability_delete(*, actor, unavailability: Unavailability) -> None:
    """Remove an unavailable period: the deputy themself, or staff of one of their stations."""
    deputy = unavailability.deputy
    if roles_of(actor).deputy_id != deputy.pk and not can_manage_deputy(actor, deputy):
        raise PermissionDenied(_("You cannot change this deputy's availability."))
    Unavailability.objects.filter(pk=unavailability.pk).delete()


# --- Swaps -----------------------------------------------------------------------------------


def _swap_url() -> str:
    return reverse("roster:my_schedule")


@transaction.atomic
def swap_request(*, actor, from_duty: Duty, to_duty: Duty, note: str = "") -> SwapRequest:
    """A deputy asks another deputy of the same station to swap one duty for another."""
    deputy = _actor_deputy(actor)
    from_duty = Duty.objects.select_related("day__station", "deputy").get(pk=from_duty.pk)
    to_duty = Duty.objects.select_related("day__station", "deputy").get(pk=to_duty.pk)
    if from_duty.deputy_id != deputy.pk:
        raise PermissionDenied(_("You can only offer your own duty."))
    if to_duty.deputy_id == deputy.pk:
        raise RosterError(_("Choose another deputy's duty."))
    if from_duty.day.station_id != to_duty.day.station_id:
        raise RosterError(_("Both duties must be at the same station."))
    today = _local_today()
    for duty in (from_duty, to_duty):
        if (
            duty.day.date < today
            or duty.day.status != DayStatus.PLANNED
            or duty.attendance_recorded
        ):
            raise RosterError(_("Only coming, planned duties can be swapped."))
    if (
        Duty.objects.filter(day=to_duty.day, deputy=deputy).exists()
        or Duty.objects.filter(day=from_duty.day, deputy=to_duty.deputy).exists()
    ):
        raise RosterError(_("One of you is already on duty on the other day."))
    open_swaps = SwapRequest.objects.filter(status__in=[SwapStatus.PENDING, SwapStatus.ACCEPTED])
    if open_swaps.filter(
        Q(from_duty__in=[from_duty, to_duty]) | Q(to_duty__in=[from_duty, to_duty])
    ).exists():
        raise RosterError(_("One of these duties already has an open swap request."))
    swap = SwapRequest.objects.create(
        from_duty=from_duty,
        to_duty=to_duty,
        requester=deputy,
        counterpart=to_duty.deputy,
        note=note.strip(),
    )
    if to_duty.deputy.user_id:
        notify_users(
            [to_duty.deputy.user],
            subject=_("%(name)s asks to swap duties with you") % {"name": deputy.name},
            body=_("Your duty on %(theirs)s for their duty on %(mine)s.")
            % {"theirs": to_duty.day.date, "mine": from_duty.day.date},
            url=_swap_url(),
            dedupe_key=f"swap:{swap.pk}:requested",
        )
    return swap


def _lock_swap(swap: SwapRequest) -> SwapRequest:
    return (
        # Lock only the swap row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
        SwapRequest.objects.select_for_update(of=("self",))
        .select_related(
            "from_duty__day__station", "to_duty__day", "requester__user", "counterpart__user"
        )
        .get(pk=swap.pk)
    )


@transaction.atomic
def swap_respond(*, actor, swap: SwapRequest, accept: bool) -> SwapRequest:
    """The other deputy accepts or declines a swap request."""
    swap = _lock_swap(swap)
    deputy = _actor_deputy(actor)
    if swap.counterpart_id != deputy.pk:
        raise PermissionDenied(_("Only the deputy asked can answer this request."))
    if swap.status != SwapStatus.PENDING:
        raise RosterError(_("This swap request has already been answered."))
    swap.status = SwapStatus.ACCEPTED if accept else SwapStatus.DECLINED
    swap.responded_at = timezone.now()
    swap.save(update_fields=["status", "responded_at"])
    if swap.requester.user_id:
        notify_users(
            [swap.requester.user],
            subject=(
                _("%(name)s accepted your swap request; the station will confirm it")
                if accept
                else _("%(name)s declined your swap request")
            )
            % {"name": deputy.name},
            url=_swap_url(),
            dedupe_key=f"swap:{swap.pk}:{swap.status}",
        )
    if accept:
        notify_users(
            station_staff(swap.from_duty.day.station),
            subject=_("A duty swap waits for your confirmation"),
            body=f"{swap.requester} ⇄ {swap.counterpart}",
            url=reverse("roster:station_roster", args=[swap.from_duty.day.station_id]),
            dedupe_key=f"swap:{swap.pk}:to-confirm",
        )
    return swap


@transaction.atomic
def swap_cancel(*, actor, swap: SwapRequest) -> SwapRequest:
    """The requester withdraws a swap request that is not decided yet."""
    swap = _lock_swap(swap)
    deputy = _actor_deputy(actor)
    if swap.requester_id != deputy.pk:
        raise PermissionDenied(_("Only the deputy who asked can withdraw this request."))
    if swap.status not in (SwapStatus.PENDING, SwapStatus.ACCEPTED):
        raise RosterError(_("This swap request is already closed."))
    swap.status = SwapStatus.CANCELLED
    swap.decided_at = timezone.now()
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_at", "decided_by"])
    return swap


@transaction.atomic
def swap_decide(*, actor, swap: SwapRequest, confirm: bool) -> SwapRequest:
    """Station staff confirm an accepted swap (the duties change hands) or reject it."""
    swap = _lock_swap(swap)
    _require_manage(actor, swap.from_duty.day.station)
    if swap.status != SwapStatus.ACCEPTED:
        raise RosterError(_("Only a swap the other deputy accepted can be confirmed or rejected."))
    if confirm:
        from_duty = Duty.objects.select_for_update().get(pk=swap.from_duty_id)
        to_duty = Duty.objects.select_for_update().get(pk=swap.to_duty_id)
        if (
            from_duty.deputy_id != swap.requester_id
            or to_duty.deputy_id != swap.counterpart_id
            or from_duty.attendance_recorded
            or to_duty.attendance_recorded
        ):
            raise RosterError(
                _("The duties changed since the request; it can no longer be confirmed.")
            )
        from_duty.deputy_id, to_duty.deputy_id = swap.counterpart_id, swap.requester_id
        try:
            with transaction.atomic():
                from_duty.save(update_fields=["deputy"])
                to_duty.save(update_fields=["deputy"])
        except IntegrityError:
            raise RosterError(
                _("One of the deputies is already on duty on the other day.")
            ) from None
    swap.status = SwapStatus.CONFIRMED if confirm else SwapStatus.REJECTED
    swap.decided_at = timezone.now()
    swap.decided_by = actor
    swap.save(update_fields=["status", "decided_at", "decided_by"])
    users = [d.user for d in (swap.requester, swap.counterpart) if d.user_id]
    notify_users(
        users,
        subject=_("Your duty swap was confirmed") if confirm else _("Your duty swap was rejected"),
        url=_swap_url(),
        dedupe_key=f"swap:{swap.pk}:{swap.status}",
    )
    return swap


# --- Calendar tokens -------------------------------------------------------------------------


def calendar_token_for(deputy: Deputy) -> DeputyCalendarToken:
    """The deputy's live calendar token, created on first use."""
    token = DeputyCalendarToken.objects.filter(deputy=deputy, revoked_at__isnull=True).first()
    if token is None:
        try:
            with transaction.atomic():
                token = DeputyCalendarToken.objects.create(deputy=deputy)
        except IntegrityError:  # created concurrently
            token = DeputyCalendarToken.objects.get(deputy=deputy, revoked_at__isnull=True)
    return token


@transaction.atomic
def calendar_token_rotate(*, actor) -> DeputyCalendarToken:
    """Revoke the deputy's calendar URL and issue a new one."""
    deputy = _actor_deputy(actor)
    DeputyCalendarToken.objects.filter(deputy=deputy, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return DeputyCalendarToken.objects.create(deputy=deputy)


# --- Reminders -------------------------------------------------------------------------------

# Local hours after which the hourly sweep sends each reminder: the day before from 09:00, the
# morning-of reminder from 07:00 (for receptions that have not started yet).
DAY_BEFORE_HOUR = 9
MORNING_HOUR = 7


def _remind(duty: Duty, kind: str) -> bool:
    from core.models import Channel
    from core.notify import notify

    day = duty.day
    when = f"{day.date:%Y-%m-%d} {day.start_time:%H:%M}–{day.end_time:%H:%M}"
    subject = (
        _("Reminder: you are on duty tomorrow at %(station)s")
        if kind == "day_before"
        else _("Reminder: you are on duty today at %(station)s")
    ) % {"station": day.station.name}
    body = _("%(when)s, %(place)s") % {"when": when, "place": day.place or day.station.name}
    key = f"duty-remind:{duty.pk}:{kind}"
    sent = False
    if duty.deputy.user_id:
        sent |= bool(
            notify_users(
                [duty.deputy.user],
                subject=subject,
                body=body,
                url=reverse("roster:my_schedule"),
                dedupe_key=key,
            )
        )
    if duty.deputy.phone:
        sent |= (
            notify(
                channel=Channel.SMS,
                address=duty.deputy.phone,
                subject=subject,
                body=body,
                dedupe_key=f"{key}:sms",
            )
            is not None
        )
    return sent


@transaction.atomic
def duty_reminders_send(now: dt.datetime | None = None) -> int:
    """Queue the day-before and morning-of reminders that are due; returns duties reminded.

    One set-based query per kind; the outbox dedupe key makes a second run queue nothing.
    """
    now = timezone.localtime(now or timezone.now())
    batches = []
    if now.hour >= DAY_BEFORE_HOUR:
        batches.append(("day_before", Q(day__date=now.date() + dt.timedelta(days=1))))
    if now.hour >= MORNING_HOUR:
        batches.append(("morning", Q(day__date=now.date(), day__start_time__gt=now.time())))
    reminded = 0
    for kind, condition in batches:
        duties = (
            Duty.objects.filter(
                condition, day__status=DayStatus.PLANNED, status=DutyStatus.ASSIGNED
            )
            .filter(deputy__is_active=True)
            .select_related("day__station", "deputy__user")
        )
        for duty in duties:
            reminded += _remind(duty, kind)
    return reminded
