"""The tiles of the to-do home, one row each: the role it belongs to, its label, its condition.

A tile's condition is a ``Q`` on ``Petition`` that already contains the role's scope (the
station's cases for staff, the deputy's own cases, the lead department's cases for handlers),
so ``?waiting=<key>`` on the petitions list shows exactly the rows the tile counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.roles import Roles, roles_of
from core.workdays import Calendar
from stations.scope import managed_q

from ..choices import OPEN_STATUSES, UNDER_DEADLINE, ExtensionStatus, Status
from ..models import ExtensionRequest, Petition, PetitionEvent

STAFF, DEPUTY, HANDLER = "staff", "deputy", "handler"
# "Due soon" for a department: the deadline is at most this many working days away.
DUE_SOON_WORKING_DAYS = 3


@dataclass(frozen=True)
class Context:
    """What a tile's condition needs: the user's roles, today and the working-day calendar."""

    user: object
    roles: Roles
    today: dt.date
    calendar: Calendar


@dataclass(frozen=True)
class Tile:
    key: str
    role: str
    label: str | Promise
    # Which of the role's cases the tile counts; ``condition`` adds the role's scope.
    state: Callable[[Context], Q]
    # Shown in red when not zero (late work).
    alarm: bool = False

    def condition(self, c: Context) -> Q:
        """The tile's cases for this user: the role's scope and the tile's state."""
        return ROLE_SCOPES[self.role](c) & self.state(c)


def _returned() -> Q:
    """Cases a department sent back (returned → triaged), waiting to be assigned again."""
    return Q(
        status=Status.TRIAGED,
        pk__in=PetitionEvent.objects.filter(
            from_status__in=UNDER_DEADLINE, to_status=Status.TRIAGED
        ).values("petition_id"),
    )


def _extension_pending() -> Q:
    return Q(
        Exists(
            ExtensionRequest.objects.filter(petition=OuterRef("pk"), status=ExtensionStatus.PENDING)
        ),
        status__in=UNDER_DEADLINE,
    )


def _overdue(c: Context) -> Q:
    return Q(status__in=UNDER_DEADLINE, deadline__lt=c.today)


def _escalated(c: Context) -> Q:
    return Q(status__in=OPEN_STATUSES, supervision__level__gt=0)


def _station(c: Context) -> Q:
    return managed_q(c.user)


def _own(c: Context) -> Q:
    return Q(deputy_id=c.roles.deputy_id) if c.roles.deputy_id else Q(pk__in=[])


def _lead(c: Context) -> Q:
    return Q(lead_department_id__in=c.roles.handler_department_ids)


def _due_soon(c: Context) -> Q:
    last = c.calendar.add_working_days(c.today, DUE_SOON_WORKING_DAYS)
    return Q(status__in=UNDER_DEADLINE, deadline__gte=c.today, deadline__lte=last)


# Each role's scope. The counts and the waiting list filter on it once and evaluate only the
# tiles' states inside it, so PostgreSQL reads the role's cases by index instead of evaluating
# every tile's FILTER over the whole table (0.35 s at 50k cases, growing with the table).
ROLE_SCOPES: dict[str, Callable[[Context], Q]] = {STAFF: _station, DEPUTY: _own, HANDLER: _lead}

TILES: tuple[Tile, ...] = (
    # Station staff: the whole loop as far as the station moves it.
    Tile("new", STAFF, _("New, to accept"), lambda c: Q(status=Status.SUBMITTED)),
    Tile("triage", STAFF, _("To triage"), lambda c: Q(status=Status.ACCEPTED)),
    Tile(
        "assign",
        STAFF,
        _("To assign"),
        lambda c: Q(status=Status.TRIAGED) & ~_returned(),
    ),
    Tile("returned", STAFF, _("Returned by a department"), lambda c: _returned()),
    Tile(
        "extension",
        STAFF,
        _("Extension requests to decide"),
        lambda c: _extension_pending(),
    ),
    Tile(
        "replied",
        STAFF,
        _("Replied, feedback to give"),
        lambda c: Q(status=Status.REPLIED),
    ),
    Tile(
        "unrated",
        STAFF,
        _("Feedback given, not yet rated"),
        lambda c: Q(status=Status.FEEDBACK_GIVEN),
    ),
    Tile("overdue", STAFF, _("Overdue"), lambda c: _overdue(c), alarm=True),
    Tile("escalated", STAFF, _("Escalated"), lambda c: _escalated(c), alarm=True),
    # Deputies: their own cases.
    Tile("my_new", DEPUTY, _("New, to accept"), lambda c: Q(status=Status.SUBMITTED)),
    Tile(
        "my_replied",
        DEPUTY,
        _("Replied, feedback to give"),
        lambda c: Q(status=Status.REPLIED),
    ),
    Tile(
        "my_unrated",
        DEPUTY,
        _("Feedback given, not yet rated"),
        lambda c: Q(status=Status.FEEDBACK_GIVEN),
    ),
    Tile("my_overdue", DEPUTY, _("Overdue"), lambda c: _overdue(c), alarm=True),
    Tile("my_escalated", DEPUTY, _("Escalated"), lambda c: _escalated(c), alarm=True),
    # Department handlers: the cases their department leads.
    Tile("dept_new", HANDLER, _("New, to sign for"), lambda c: Q(status=Status.ASSIGNED)),
    Tile(
        "dept_due",
        HANDLER,
        _("Due within 3 working days"),
        lambda c: _due_soon(c),
    ),
    Tile("dept_overdue", HANDLER, _("Overdue"), lambda c: _overdue(c), alarm=True),
    Tile(
        "dept_reopened",
        HANDLER,
        _("Reopened"),
        lambda c: Q(status__in=UNDER_DEADLINE, reopen_count__gt=0),
    ),
)
BY_KEY = {t.key: t for t in TILES}
CHOICES = [(t.key, t.label) for t in TILES]


def context_for(user, today: dt.date, calendar: Calendar | None = None) -> Context:
    return Context(user=user, roles=roles_of(user), today=today, calendar=calendar or Calendar())


def roles_with_tiles(roles: Roles) -> list[str]:
    out = []
    if roles.is_staff_member:
        out.append(STAFF)
    if roles.is_deputy:
        out.append(DEPUTY)
    if roles.is_handler:
        out.append(HANDLER)
    return out


def tiles_of(role: str) -> list[Tile]:
    return [t for t in TILES if t.role == role]


def waiting_q(key: str, user, today: dt.date) -> Q:
    """The list filter ``?waiting=<key>``: the tile's condition for this user (nothing if the
    user does not hold the tile's role)."""
    tile = BY_KEY[key]
    c = context_for(user, today)
    if tile.role not in roles_with_tiles(c.roles):
        return Q(pk__in=[])
    return tile.condition(c)


def counts(qs: QuerySet[Petition], role: str, c: Context) -> dict[str, int]:
    """Every tile of ``role`` counted in one aggregate query over the role's scope."""
    tiles = tiles_of(role)
    return qs.filter(ROLE_SCOPES[role](c)).aggregate(
        **{t.key: Count("pk", filter=t.state(c)) for t in tiles}
    )


def waiting_list(qs: QuerySet[Petition], role: str, c: Context, limit: int = 10):
    """The oldest cases behind the tiles of ``role``, each labelled with the first tile it falls
    in (one query)."""
    tiles = tiles_of(role)
    states = [t.state(c) for t in tiles]
    any_tile = Q()
    for state in states:
        any_tile |= state
    whens = [When(state, then=Value(t.key)) for t, state in zip(tiles, states, strict=True)]
    rows = list(
        qs.filter(ROLE_SCOPES[role](c))
        .filter(any_tile)
        .annotate(tile_key=Case(*whens, default=Value(""), output_field=CharField()))
        .select_related("station", "lead_department")
        .order_by(F("deadline").asc(nulls_last=True), "submitted_at", "pk")[:limit]
    )
    for row in rows:
        row.tile = BY_KEY.get(row.tile_key)  # type: ignore[attr-defined]
    return rows
