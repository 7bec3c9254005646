"""五公开: what a station publishes — "实行代表信息、工作制度、年度计划、结对名单、履职成果
‘五公开’" (seed 000): its deputies (photos and levels), its rules, its annual plan, its pairing
list (the ties app adds it), and its results (progress notices, projects, closed cases).

Only fields declared public reach these pages: a rule's text, a plan item's title, date and
completion, a duty story the deputy offered and the station published (with its photos), a
deputy's name, level and photo, and counts. Internal notes never do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from petitions.choices import Status
from petitions.models import Petition
from projects.choices import PUBLIC_STATUSES
from projects.choices import Status as ProjectStatus
from projects.models import Candidate
from stations.models import Station
from stations.scope import with_rooms_q

from .choices import ActivityKind, ActivityStatus
from .models import Activity, PlanItem, StationRule

# The rules most stations post on the wall ("六有": "有制度", about twelve of them); a station
# starts from these and edits them.
STANDARD_RULES = (
    gettext_lazy("Deputies receive constituents at the station on fixed days"),
    gettext_lazy("Duty roster and attendance of the deputies stationed here"),
    gettext_lazy("Registering every opinion received and keeping the ledgers"),
    gettext_lazy("Handling opinions: settle, escalate or turn into a suggestion"),
    gettext_lazy("Assigning cases to departments and supervising them"),
    gettext_lazy("Answering the constituent and asking for satisfaction"),
    gettext_lazy("Deputies' learning and training"),
    gettext_lazy("Deputies' inspections and research"),
    gettext_lazy("Deputies reporting back to constituents"),
    gettext_lazy("Publishing progress notices on accepted cases"),
    gettext_lazy("Deputies' performance records and assessment"),
    gettext_lazy("Station management, funding and safety"),
)


def station_projects(station: Station) -> list[tuple[str, str]]:
    """The livelihood projects the station proposed that the deputies chose (五公开 results):
    title and status, only in the statuses the projects app itself publishes."""
    return [
        (title, str(ProjectStatus(status).label))
        for title, status in Candidate.objects.filter(station=station, status__in=PUBLIC_STATUSES)
        .order_by("-cycle__year", "title")
        .values_list("title", "status")[:10]
    ]


def _require_station(actor, station: Station) -> None:
    """Those who may change the station's record: admins, the area's clerks, its staff."""
    if not Station.objects.editable_by(actor).filter(pk=station.pk).exists():
        raise PermissionDenied


@transaction.atomic
def station_rule_add(
    *, actor, station: Station, text: str, order: int | None = None
) -> StationRule:
    """Add a rule to the station's published list."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    _require_station(actor, station)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the rule.")})
    if order is None:
        order = (
            station.open_rules.order_by("-order").values_list("order", flat=True).first() or 0
        ) + 1
    return StationRule.objects.create(station=station, text=text[:200], order=order)


@transaction.atomic
def station_rule_delete(*, actor, rule: StationRule) -> None:
    rule = StationRule.objects.select_for_update().select_related("station").get(pk=rule.pk)
    _require_station(actor, rule.station)
    rule.delete()


@transaction.atomic
def station_rules_start(*, actor, station: Station) -> int:
    """Fill an empty list with the twelve standard rules; returns how many were added."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    _require_station(actor, station)
    if station.open_rules.exists():
        return 0
    StationRule.objects.bulk_create(
        StationRule(station=station, order=i, text=str(text))
        for i, text in enumerate(STANDARD_RULES, start=1)
    )
    return len(STANDARD_RULES)


@transaction.atomic
def plan_item_add(
    *, actor, station: Station, date: dt.date, title: str, note: str = ""
) -> PlanItem:
    station = Station.objects.select_for_update().get(pk=station.pk)
    _require_station(actor, station)
    if not title.strip():
        raise ValidationError({"title": _("Name the activity.")})
    return PlanItem.objects.create(
        station=station,
        year=date.year,
        date=date,
        title=title.strip()[:200],
        note=note.strip()[:300],
    )


@transaction.atomic
def plan_item_complete(*, actor, item: PlanItem, done: bool = True) -> PlanItem:
    """Mark a plan item done today (or not done)."""
    item = PlanItem.objects.select_for_update().select_related("station").get(pk=item.pk)
    _require_station(actor, item.station)
    item.done_on = timezone.localdate() if done else None
    item.save(update_fields=["done_on"])
    return item


@transaction.atomic
def plan_item_delete(*, actor, item: PlanItem) -> None:
    item = PlanItem.objects.select_for_update().select_related("station").get(pk=item.pk)
    _require_station(actor, item.station)
    item.delete()


# --- What the public page shows ---------------------------------------------------------------


@dataclass
class OpenPage:
    station: Station
    year: int
    deputies: list = field(default_factory=list)
    rules: list[StationRule] = field(default_factory=list)
    plan: list[PlanItem] = field(default_factory=list)
    stories: list[Activity] = field(default_factory=list)
    projects: list[tuple[str, str]] = field(default_factory=list)
    awards: list[tuple[int, str]] = field(default_factory=list)
    closed_cases: int = 0
    accepted_cases: int = 0

    @property
    def plan_done(self) -> int:
        return sum(1 for p in self.plan if p.done_on)


def open_page(station: Station, year: int | None = None, deputies: list | None = None) -> OpenPage:
    """The five things a station publishes, for its public page and the wall poster.

    ``deputies``: the station's current deputies when the page has read them already (the
    public page lists them above, ``stations.selectors.current_deputies``).
    """
    from deputies.models import StationAssignment

    year = year or timezone.localdate().year
    page = OpenPage(station=station, year=year)
    if deputies is None:
        deputies = [
            a.deputy
            for a in StationAssignment.objects.filter(
                station=station, end_date__isnull=True, deputy__is_active=True
            )
            .select_related("deputy")
            .order_by("deputy__name_pinyin")
        ]
    page.deputies = deputies
    page.rules = list(station.open_rules.all())
    page.plan = list(station.plan_items.filter(year=year))
    page.stories = list(
        Activity.objects.filter(
            station=station,
            kind=ActivityKind.STORY,
            status=ActivityStatus.APPROVED,
            is_published=True,
        )
        .select_related("deputy")
        .prefetch_related("files")
        .order_by("-date")[:6]
    )
    page.awards = list(
        station.assessments.filter(award_published=True)
        .exclude(award="")
        .order_by("-year")
        .values_list("year", "award")
    )
    page.projects += station_projects(station)
    cases = Petition.objects.filter(with_rooms_q([station.pk]))
    # Both results in one query (the public page is read by every visitor who scans the code).
    counted = cases.aggregate(
        closed=Count("pk", filter=Q(status=Status.CLOSED, closed_at__year=year)),
        accepted=Count("pk", filter=Q(accepted_at__year=year)),
    )
    page.closed_cases, page.accepted_cases = counted["closed"], counted["accepted"]
    return page
