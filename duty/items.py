"""The "八个一" duty list, declared once: every page, count, quota and points row reads ITEMS.

Seed 004 (和顺县): "创新“八个一”履职活动标准(即每月接待一次选民群众,每月反映一条社情民意,
每月参加一次进站活动,每月参加一次学习培训,每年记录一本民情日志,每年承办一件民生实事,
每年撰写一篇履职故事,每年进行一次述职交流)" — and, for the opinions a deputy hears,
"明确代表听取群众反映问题和意见建议每月不少于两次": a county may raise an item's quantity
(``QuotaRule``), which is why the default quantity lives here and the county's in the database.

Each item says how it is counted (``count``: many deputies in a few grouped queries, giving
counts per month) and what proves it (``facts``: the dated rows behind a count, with links).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractMonth
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
CountFn = Callable[[list[int], int], Counts]


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
    count: CountFn
    facts: FactsFn
    # The self-reported activity kinds that count for it (empty: counted from other records).
    kinds: tuple[str, ...] = ()
    seed: str = ""

    @property
    def is_monthly(self) -> bool:
        return self.period == Period.MONTH

    @property
    def period_label(self) -> str | Promise:
        return Period(self.period).label


def _empty(ids: Iterable[int]) -> Counts:
    return {pk: Counter() for pk in ids}


def _month_of(value: dt.datetime | dt.date) -> int:
    return (timezone.localtime(value) if isinstance(value, dt.datetime) else value).month


# --- Receptions: the roster's attendance and the receptions recorded at the station ----------


def count_receptions(ids: list[int], year: int) -> Counts:
    """Distinct days the deputy attended a duty (present or late) or sat at a recorded
    reception: a duty and the reception held on it are one reception, not two."""
    days: dict[int, set[dt.date]] = defaultdict(set)
    for deputy_id, day in Duty.objects.filter(
        deputy_id__in=ids,
        day__date__year=year,
        status__in=(DutyStatus.PRESENT, DutyStatus.LATE),
    ).values_list("deputy_id", "day__date"):
        days[deputy_id].add(day)
    through = Reception.deputies.through
    for deputy_id, held_at in through.objects.filter(
        deputy_id__in=ids, reception__held_at__year=year
    ).values_list("deputy_id", "reception__held_at"):
        days[deputy_id].add(timezone.localtime(held_at).date())
    counts = _empty(ids)
    for deputy_id, dates in days.items():
        counts[deputy_id].update(d.month for d in dates)
    return counts


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


def _opinions(ids: Iterable[int], year: int):
    return Petition.objects.filter(deputy_id__in=list(ids), submitted_at__year=year).exclude(
        status__in=NOT_COUNTED
    )


def count_opinions(ids: list[int], year: int) -> Counts:
    """Cases filed with the deputy named (raised by them or accepted at their reception) in the
    month they were submitted; declined and merged duplicates do not count."""
    counts = _empty(ids)
    for deputy_id, month, n in (
        _opinions(ids, year)
        .annotate(month=ExtractMonth("submitted_at"))
        .values("deputy_id", "month")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "month", "n")
    ):
        counts[deputy_id][month] += n
    return counts


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


def _activity_counter(kinds: tuple[str, ...]) -> CountFn:
    def count(ids: list[int], year: int) -> Counts:
        from .models import Activity

        counts = _empty(ids)
        for deputy_id, month, n in (
            Activity.objects.filter(
                deputy_id__in=ids,
                kind__in=kinds,
                status=ActivityStatus.APPROVED,
                date__year=year,
            )
            .annotate(month=ExtractMonth("date"))
            .values("deputy_id", "month")
            .annotate(n=Count("pk"))
            .values_list("deputy_id", "month", "n")
        ):
            counts[deputy_id][month] += n
        return counts

    return count


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
        _activity_counter(kinds),
        _activity_facts(kinds),
        kinds=kinds,
        seed=seed,
    )


def count_supervised_projects(ids: list[int], year: int) -> Counts:
    """Livelihood projects of the year's cycle the deputy supervises (承办 a 民生实事: the
    deputies' supervising group of a chosen project, projects/), counted in the month the
    project was proposed — once each, whatever it became after it was chosen."""
    taken = (ProjectStatus.CHOSEN, ProjectStatus.IN_PROGRESS, ProjectStatus.COMPLETED)
    counts = _empty(ids)
    through = Candidate.supervisors.through
    for deputy_id, created in through.objects.filter(
        deputy_id__in=ids, candidate__cycle__year=year, candidate__status__in=taken
    ).values_list("deputy_id", "candidate__created_at"):
        counts[deputy_id][timezone.localtime(created).month] += 1
    return counts


def count_report_back_sessions(ids: list[int], year: int) -> Counts:
    """Report-back sessions (述职, ties/) the deputy spoke at, in the month held."""
    counts = _empty(ids)
    for deputy_id, held_on in ReportBackSpeaker.objects.filter(
        deputy_id__in=ids, session__held_on__year=year
    ).values_list("deputy_id", "session__held_on"):
        counts[deputy_id][held_on.month] += 1
    return counts


# Besides the approved self-reported activities, these records count towards the items: the
# projects the deputy supervises and the report-back sessions where they spoke.
PROJECT_COUNTERS: list[CountFn] = [count_supervised_projects]
REPORT_BACK_COUNTERS: list[CountFn] = [count_report_back_sessions]


def _with_hooks(base: CountFn, hooks: list[CountFn]) -> CountFn:
    def count(ids: list[int], year: int) -> Counts:
        counts = base(ids, year)
        for hook in hooks:
            for deputy_id, months in hook(ids, year).items():
                counts.setdefault(deputy_id, Counter()).update(months)
        return counts

    return count


K = ActivityKind
ITEMS: tuple[Item, ...] = (
    Item(
        ItemCode.RECEPTION,
        _("Receive constituents"),
        Period.MONTH,
        1,
        count_receptions,
        reception_facts,
        seed="每月接待一次选民群众",
    ),
    Item(
        ItemCode.OPINION,
        _("Report public opinion"),
        Period.MONTH,
        1,
        count_opinions,
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
        _with_hooks(_activity_counter((K.PROJECT,)), PROJECT_COUNTERS),
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
        _with_hooks(_activity_counter((K.REPORT_BACK,)), REPORT_BACK_COUNTERS),
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
