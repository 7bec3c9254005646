"""The "八个一" duty list, declared once: every page, count, quota and points row reads ITEMS.

Seed 004 (和顺县): "创新“八个一”履职活动标准(即每月接待一次选民群众,每月反映一条社情民意,
每月参加一次进站活动,每月参加一次学习培训,每年记录一本民情日志,每年承办一件民生实事,
每年撰写一篇履职故事,每年进行一次述职交流)" — and, for the opinions a deputy hears,
"明确代表听取群众反映问题和意见建议每月不少于两次": a county may raise an item's quantity
(``QuotaRule``), which is why the default quantity lives here and the county's in the database.

Each item says how it is counted (``sources``: querysets of rows per deputy and day; every
source of every item is read in one UNION query for any number of deputies, summed per deputy
and month by the database) and what proves it (``facts``: the dated rows behind a count, with links).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import CharField, Count, F, QuerySet, Value
from django.db.models.functions import ExtractMonth, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from deputies.roster.choices import DutyStatus
from deputies.roster.models import Duty
from petitions.choices import Status
from petitions.models import Petition, Reception
from projects.choices import Status as ProjectStatus
from projects.models import Candidate
from ties.models import ReportBackSpeaker

from .choices import ActivityKind, ActivityStatus, ItemCode, Period

# deputy id -> month (1..12) -> count
Counts = dict[int, Counter]
# A source: the rows that count towards an item for some deputies in a year, as a queryset
# grouped by deputy and day, ``values("deputy_id", "on").annotate(n=Count(...))`` (see
# ``per_day``). Every source of every item is read in one UNION query (``count_items``).
SourceFn = Callable[[Any, int], QuerySet]


@dataclass(frozen=True)
class Fact:
    """One dated piece of evidence behind a count."""

    date: dt.date
    text: str
    url: str = ""


FactsFn = Callable[[int, int, "int | None"], list[Fact]]


@dataclass(frozen=True)
class Item:
    """One "八个一" item: what it is, how often, how it is counted and proved."""

    code: str
    label: str | Promise
    period: str  # Period.MONTH or Period.YEAR
    default_quantity: int
    sources: tuple[SourceFn, ...]
    facts: FactsFn
    # The self-reported activity kinds that count for it (empty: counted from other records).
    kinds: tuple[str, ...] = ()
    seed: str = ""
    # Receptions: a duty and the reception held on it the same day are one, not two.
    distinct_days: bool = False

    def count(self, ids: Any, year: int) -> Counts:
        """This item's counts per deputy and month (one query)."""
        return count_items([self], ids, year)[self.code]

    @property
    def is_monthly(self) -> bool:
        return self.period == Period.MONTH

    @property
    def period_label(self) -> str | Promise:
        return Period(self.period).label


def per_day(qs: QuerySet, day) -> QuerySet:
    """A source's rows: per deputy and local day, how many."""
    return qs.order_by().annotate(on=day).values("deputy_id", "on").annotate(n=Count("pk"))


def count_items(items: Sequence[Item], ids: Any, year: int) -> dict[str, Counts]:
    """Counts per deputy and month of every item in ``items``: all sources in one query, grouped
    per deputy, item and month by the database (a province's year is a few rows per deputy,
    not one per day).

    ``ids`` may be a list or a queryset of deputy ids (a subquery: a province's deputies are
    never sent to the database as a list); every listed id gets an entry, even an empty one.
    """
    parts = [
        source(ids, year)
        .annotate(code=Value(item.code, output_field=CharField()), month=ExtractMonth("on"))
        .values_list("deputy_id", "code", "month", "on", "n")
        for item in items
        for source in (*item.sources, *EXTRA_SOURCES.get(item.code, ()))
    ]
    known = list(ids) if isinstance(ids, list | tuple | set) else []
    counts: dict[str, Counts] = {item.code: {pk: Counter() for pk in known} for item in items}
    if not parts:
        return counts
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    for deputy_id, code, month, n in _per_month(rows, [i.code for i in items if i.distinct_days]):
        counts[code].setdefault(deputy_id, Counter())[month] = n
    return counts


def _per_month(rows: QuerySet, distinct: list[str]) -> list[tuple[int, str, int, int]]:
    """The UNION of every source's (deputy, code, month, day, n) rows, summed per deputy, item
    and month. An item of ``distinct`` counts days, however many of its sources name the day
    (receptions: a duty and the reception held on it the same day are one, not two)."""
    connection = connections[rows.db]
    sql, params = rows.query.get_compiler(rows.db).as_sql()
    on = connection.ops.quote_name("on")
    count = "SUM(u.n)"
    if distinct:
        marks = ", ".join(["%s"] * len(distinct))
        count = f"CASE WHEN u.code IN ({marks}) THEN COUNT(DISTINCT u.{on}) ELSE SUM(u.n) END"
    # Integers, not PostgreSQL's numeric (EXTRACT, SUM): tens of thousands of Decimals cost.
    query = (
        f"SELECT u.deputy_id, u.code, CAST(u.month AS INTEGER), CAST({count} AS INTEGER) "
        f"FROM ({sql}) u GROUP BY u.deputy_id, u.code, u.month"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*distinct, *params))
        return cursor.fetchall()


# --- Receptions: the roster's attendance and the receptions recorded at the station ----------


def attended_duties(ids: Any, year: int) -> QuerySet:
    """Days the deputy attended a duty of the roster (present or late)."""
    duties = Duty.objects.filter(
        deputy_id__in=ids,
        day__date__year=year,
        status__in=(DutyStatus.PRESENT, DutyStatus.LATE),
    )
    return per_day(duties, F("day__date"))


def sat_at_receptions(ids: Any, year: int) -> QuerySet:
    """Days the deputy sat at a reception recorded at the station."""
    through = Reception.deputies.through
    return per_day(
        through.objects.filter(deputy_id__in=ids, reception__held_at__year=year),
        TruncDate("reception__held_at"),
    )


def reception_facts(deputy_id: int, year: int, month: int | None) -> list[Fact]:
    duties = Duty.objects.filter(
        deputy_id=deputy_id,
        day__date__year=year,
        status__in=(DutyStatus.PRESENT, DutyStatus.LATE),
    ).select_related("day__station")
    receptions = Reception.objects.filter(deputies=deputy_id, held_at__year=year).select_related(
        "station"
    )
    if month:
        duties = duties.filter(day__date__month=month)
        receptions = receptions.filter(held_at__month=month)
    found = [
        Fact(d.day.date, _("On duty at %(station)s") % {"station": d.day.station.name})
        for d in duties
    ]
    found += [
        Fact(
            timezone.localtime(r.held_at).date(),
            _("Reception at %(station)s, %(n)d constituents")
            % {"station": r.station.name, "n": r.constituents_count},
            reverse("petitions:reception_detail", args=[r.pk]),
        )
        for r in receptions
    ]
    return sorted(found, key=lambda f: f.date)


# --- Opinions: cases the deputy raised or accepted --------------------------------------------

NOT_COUNTED = (Status.DECLINED, Status.MERGED)


def _opinions(ids: Any, year: int):
    return Petition.objects.filter(deputy_id__in=ids, submitted_at__year=year).exclude(
        status__in=NOT_COUNTED
    )


def opinions_reported(ids: Any, year: int) -> QuerySet:
    """Cases filed with the deputy named (raised by them or accepted at their reception) on the
    day they were submitted; declined and merged duplicates do not count."""
    return per_day(_opinions(ids, year), TruncDate("submitted_at"))


def opinion_facts(deputy_id: int, year: int, month: int | None) -> list[Fact]:
    qs = _opinions([deputy_id], year).order_by("submitted_at")
    if month:
        qs = qs.filter(submitted_at__month=month)
    return [
        Fact(
            timezone.localtime(p.submitted_at).date(),
            p.title,
            reverse("petitions:detail", args=[p.pk]),
        )
        for p in qs
    ]


# --- Self-reported activities approved by the station ------------------------------------------


def _approved_activities(kinds: tuple[str, ...]) -> SourceFn:
    def source(ids: Any, year: int) -> QuerySet:
        from .models import Activity

        activities = Activity.objects.filter(
            deputy_id__in=ids, kind__in=kinds, status=ActivityStatus.APPROVED, date__year=year
        )
        return per_day(activities, F("date"))

    return source


def _activity_facts(kinds: tuple[str, ...]) -> FactsFn:
    def facts(deputy_id: int, year: int, month: int | None) -> list[Fact]:
        from .models import Activity

        qs = Activity.objects.filter(
            deputy_id=deputy_id, kind__in=kinds, status=ActivityStatus.APPROVED, date__year=year
        ).order_by("date")
        if month:
            qs = qs.filter(date__month=month)
        return [Fact(a.date, a.title, a.get_absolute_url()) for a in qs]

    return facts


def _activity_item(code: str, label, period: str, kinds: tuple[str, ...], seed: str) -> Item:
    return Item(
        code,
        label,
        period,
        1,
        (_approved_activities(kinds),),
        _activity_facts(kinds),
        kinds=kinds,
        seed=seed,
    )


def supervised_projects(ids: Any, year: int) -> QuerySet:
    """Livelihood projects of the year's cycle the deputy supervises (承办 a 民生实事: the
    deputies' supervising group of a chosen project, projects/), counted on the day the project
    was proposed — once each, whatever it became after it was chosen."""
    taken = (ProjectStatus.CHOSEN, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)
    through = Candidate.supervisors.through
    return per_day(
        through.objects.filter(
            deputy_id__in=ids, candidate__cycle__year=year, candidate__status__in=taken
        ),
        TruncDate("candidate__created_at"),
    )


def report_back_speeches(ids: Any, year: int) -> QuerySet:
    """Report-back sessions (述职, ties/) the deputy spoke at, on the day held."""
    return per_day(
        ReportBackSpeaker.objects.filter(deputy_id__in=ids, session__held_on__year=year),
        F("session__held_on"),
    )


# Sources an upper app adds to an item (by item code), registered in its AppConfig.ready:
# reports/ adds the activities its staff record on the performance record (training,
# inspections, research, report-backs), so they count without a self-report here too.
EXTRA_SOURCES: dict[str, list[SourceFn]] = {}


K = ActivityKind
ITEMS: tuple[Item, ...] = (
    Item(
        ItemCode.RECEPTION,
        _("Receive constituents"),
        Period.MONTH,
        1,
        (attended_duties, sat_at_receptions),
        reception_facts,
        seed="每月接待一次选民群众",
        distinct_days=True,
    ),
    Item(
        ItemCode.OPINION,
        _("Report public opinion"),
        Period.MONTH,
        1,
        (opinions_reported,),
        opinion_facts,
        seed="每月反映一条社情民意",
    ),
    _activity_item(
        ItemCode.STATION,
        _("Take part in a station activity"),
        Period.MONTH,
        (K.STATION, K.INSPECTION, K.RESEARCH),
        "每月参加一次进站活动",
    ),
    _activity_item(
        ItemCode.TRAINING, _("Attend training"), Period.MONTH, (K.TRAINING,), "每月参加一次学习培训"
    ),
    _activity_item(
        ItemCode.DIARY,
        _("Keep a diary of constituents' concerns"),
        Period.YEAR,
        (K.DIARY,),
        "每年记录一本民情日志",
    ),
    Item(
        ItemCode.PROJECT,
        _("Take on a livelihood project"),
        Period.YEAR,
        1,
        (_approved_activities((K.PROJECT,)), supervised_projects),
        _activity_facts((K.PROJECT,)),
        kinds=(K.PROJECT,),
        seed="每年承办一件民生实事",
    ),
    _activity_item(
        ItemCode.STORY, _("Write a duty story"), Period.YEAR, (K.STORY,), "每年撰写一篇履职故事"
    ),
    Item(
        ItemCode.REPORT_BACK,
        _("Report back to constituents"),
        Period.YEAR,
        1,
        (_approved_activities((K.REPORT_BACK,)), report_back_speeches),
        _activity_facts((K.REPORT_BACK,)),
        kinds=(K.REPORT_BACK,),
        seed="每年进行一次述职交流",
    ),
)

BY_CODE: dict[str, Item] = {item.code: item for item in ITEMS}
assert set(BY_CODE) == set(ItemCode.values), "ITEMS and ItemCode must name the same items"


def item_for_kind(kind: str) -> Item:
    """The item a self-reported activity kind counts towards."""
    return next(item for item in ITEMS if kind in item.kinds)
