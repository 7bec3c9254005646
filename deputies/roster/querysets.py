"""Row scoping for the roster: who may see which rules, days, duties and swaps."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.db import models
from django.db.models import Q

from core.roles import roles_of
from stations.paths import region_paths_q
from stations.scope import managed_q

if TYPE_CHECKING:
    # The row type of each queryset (only for the type checker: models import this module).
    from .models import Duty, ReceptionDay, ReceptionRule, SwapRequest  # noqa: F401

_QS = TypeVar("_QS", bound=models.QuerySet)


def station_q(user, field: str) -> Q | None:
    """Condition on ``field`` (a path to a Station) for the stations whose roster a user sees.

    Admins, clerks of the station's region and the station's staff (a head also looks after the
    rooms below the station). Deputies see their own duties, not a station's roster. Returns
    None for "everything".
    """
    roles = roles_of(user)
    if roles.is_admin:
        return None
    return region_paths_q(roles.clerk_region_paths, f"{field}__region__path") | managed_q(
        user, field
    )


def _scoped(qs: _QS, user, field: str, own: Q | None = None) -> _QS:
    q = station_q(user, field)
    if q is None:
        return qs.all()
    if own is not None:
        q |= own
    return qs.filter(q)


class ReceptionRuleQuerySet(models.QuerySet["ReceptionRule"]):
    def visible_to(self, user) -> ReceptionRuleQuerySet:
        return _scoped(self, user, "station")

    def active(self) -> ReceptionRuleQuerySet:
        return self.filter(is_active=True)


class ReceptionDayQuerySet(models.QuerySet["ReceptionDay"]):
    def visible_to(self, user) -> ReceptionDayQuerySet:
        return _scoped(self, user, "station")


class DutyQuerySet(models.QuerySet["Duty"]):
    def visible_to(self, user) -> DutyQuerySet:
        deputy_id = roles_of(user).deputy_id
        own = Q(deputy_id=deputy_id) if deputy_id else None
        return _scoped(self, user, "day__station", own)


class SwapRequestQuerySet(models.QuerySet["SwapRequest"]):
    def visible_to(self, user) -> SwapRequestQuerySet:
        deputy_id = roles_of(user).deputy_id
        own = Q(requester_id=deputy_id) | Q(counterpart_id=deputy_id) if deputy_id else None
        return _scoped(self, user, "from_duty__day__station", own)
