"""The scheduled monthly report: a snapshot per clerk region and an in-app notice."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core.notify import notify_users
from stations.models import ClerkScope, Region

from . import selectors
from .models import MonthlyReport


def previous_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


@transaction.atomic
def prepare_monthly_reports(today: dt.date) -> int:
    """Snapshot last month's figures of every clerk region; notify its clerks once. Idempotent."""
    year, month = previous_month(today)
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    clerks: dict[int, list[int]] = defaultdict(list)
    for region_id, user_id in ClerkScope.objects.filter(user__is_active=True).values_list(
        "region_id", "user_id"
    ):
        clerks[region_id].append(user_id)
    users = get_user_model().objects.in_bulk({u for ids in clerks.values() for u in ids})
    for region in Region.objects.filter(pk__in=clerks):
        figures = selectors.dashboard(start, end, region=region)["figures"].as_dict()
        MonthlyReport.objects.update_or_create(
            region=region, year=year, month=month, defaults={"figures": figures}
        )
        notify_users(
            [users[u] for u in clerks[region.pk]],
            subject=_("Monthly report for %(region)s, %(year)d-%(month)02d is ready")
            % {"region": region.name, "year": year, "month": month},
            url=reverse("reports:monthly", args=[region.pk, year, month]),
            dedupe_key=f"reports:monthly:{region.pk}:{year}-{month:02d}",
        )
    return len(clerks)
