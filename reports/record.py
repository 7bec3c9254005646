"""The deputy performance record (履职档案, "一人一档"): built from recorded facts, per year.

It lives in ``reports`` because it reads several domain apps at once: the roster's duties and
swaps (``deputies``), receptions and cases (``petitions``), the activities staff record here,
and the deputy's "八个一" year (``duty``).

There is one rule for a deputy's quotas, and it is duty's: the items of ``duty/items.py``
against the rules of the deputy's own region (``duty.selectors.duty_years``: the nearest
county or district rule, else the province default, else the list's own quantity). The record
page, the "who is behind" list (duty's) and the Excel rows all show that ``DutyYear``; nothing
here judges a deputy by another measure.

Queries: the figures of any number of deputies are one query (a correlated count per figure),
their stations one, and their duty years two more (the region rules and one UNION of every
item's sources), so a record page, a station's export and the ledger cost the same few queries
per batch of deputies.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies.models import Deputy, StationAssignment
from deputies.roster.choices import DutyStatus, SwapStatus
from deputies.roster.models import Duty, SwapRequest
from duty.choices import ItemCode
from duty.items import ITEMS, per_day
from duty.selectors import DutyYear, duty_years
from petitions.choices import Satisfaction, Status
from petitions.models import Petition, Reception

from .ledgers.choices import REPORT_BACK_KINDS, ActivityKind
from .ledgers.models import DeputyActivity

TERM_YEARS = 5
BATCH = 2000

# figure name -> kind of recorded activity (reports.ledgers) it counts
ACTIVITY_FIGURES = {f"activity_{kind}": kind for kind in ActivityKind.values}


@dataclass
class Figures:
    """One deputy's facts for one year (what happened; the quotas are ``DutyYear``'s)."""

    deputy_id: int
    duties: int = 0
    attended: int = 0
    late: int = 0
    missed: int = 0
    replaced: int = 0
    receptions: int = 0
    constituents: int = 0
    opinions: int = 0
    accepted: int = 0
    closed: int = 0
    rated: int = 0
    satisfied: int = 0
    swaps: int = 0
    report_backs_in_term: int = 0
    activities: dict[str, int] | None = None

    @property
    def satisfaction_rate(self) -> int | None:
        """Satisfied + basically satisfied over rated, in percent; None when nothing was rated."""
        return round(100 * self.satisfied / self.rated) if self.rated else None

    def activity(self, kind: str) -> int:
        return (self.activities or {}).get(kind, 0)


def _n(qs: QuerySet, function: str = "COUNT", field: str = "pk") -> Coalesce:
    """A correlated COUNT (or SUM) of ``qs``'s rows, 0 when there are none."""
    value = qs.order_by().annotate(n=Func(F(field), function=function)).values("n")
    return Coalesce(Subquery(value, output_field=IntegerField()), 0)


def with_figures(deputies: QuerySet, year: int) -> QuerySet:
    """``deputies`` with the year's figures annotated: one query for any number of them."""
    me = OuterRef("pk")
    duties = Duty.objects.filter(deputy_id=me, day__date__year=year)
    through = Reception.deputies.through
    receptions = through.objects.filter(deputy_id=me, reception__held_at__year=year)
    collected = Petition.objects.filter(deputy_id=me, submitted_at__year=year)
    closed = Petition.objects.filter(deputy_id=me, status=Status.CLOSED, closed_at__year=year)
    recorded = DeputyActivity.objects.filter(deputy_id=me, date__year=year)
    return deputies.annotate(
        f_duties=_n(duties),
        f_attended=_n(duties.filter(status__in=(DutyStatus.PRESENT, DutyStatus.LATE))),
        f_late=_n(duties.filter(status=DutyStatus.LATE)),
        f_missed=_n(duties.filter(status=DutyStatus.ABSENT)),
        f_replaced=_n(duties.filter(status=DutyStatus.REPLACED)),
        f_swaps=_n(
            SwapRequest.objects.filter(
                Q(requester_id=me) | Q(counterpart_id=me),
                status=SwapStatus.CONFIRMED,
                decided_at__year=year,
            )
        ),
        f_receptions=_n(receptions),
        f_constituents=_n(receptions, "SUM", "reception__constituents_count"),
        f_opinions=_n(collected),
        f_accepted=_n(collected.filter(accepted_at__isnull=False)),
        f_closed=_n(closed),
        f_rated=_n(closed.exclude(satisfaction="")),
        f_satisfied=_n(
            closed.filter(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))
        ),
        f_report_backs_in_term=_n(
            DeputyActivity.objects.filter(
                deputy_id=me,
                kind__in=REPORT_BACK_KINDS,
                date__year__gt=year - TERM_YEARS,
                date__year__lte=year,
            )
        ),
        **{f"f_{name}": _n(recorded.filter(kind=kind)) for name, kind in ACTIVITY_FIGURES.items()},
    )


def figures_of(deputy: Deputy) -> Figures:
    """The figures a ``with_figures`` queryset annotated on ``deputy``."""
    values = {
        name: getattr(deputy, f"f_{name}")
        for name in (
            "duties", "attended", "late", "missed", "replaced", "swaps", "receptions",
            "constituents", "opinions", "accepted", "closed", "rated", "satisfied",
            "report_backs_in_term",
        )
    }  # fmt: skip
    activities = {kind: getattr(deputy, f"f_{name}") for name, kind in ACTIVITY_FIGURES.items()}
    return Figures(deputy.pk, activities=activities, **values)


def compute(deputy_ids: Iterable[int], year: int) -> dict[int, Figures]:
    """Figures for many deputies in one year: one query."""
    ids = list(deputy_ids)
    found = {
        d.pk: figures_of(d)
        for d in with_figures(Deputy.objects.filter(pk__in=ids).only("pk"), year)
    }
    return {pk: found.get(pk) or Figures(pk) for pk in ids}


# --- Recorded activities count towards duty's items -------------------------------------------

# "八个一" item code -> the kinds of activity staff record here that count for it (duty's
# station item already counts a deputy's own inspections and research, its report-back item
# their report-backs); registered into ``duty.items.EXTRA_SOURCES`` in ReportsConfig.ready.
RECORDED_FOR_ITEMS: dict[str, tuple[str, ...]] = {
    ItemCode.STATION: (ActivityKind.INSPECTION, ActivityKind.RESEARCH),
    ItemCode.TRAINING: (ActivityKind.TRAINING,),
    ItemCode.REPORT_BACK: REPORT_BACK_KINDS,
}


def recorded_activities(kinds: tuple[str, ...]):
    """A duty source: the activities of ``kinds`` staff recorded for the deputy, per day."""

    def source(ids, year: int) -> QuerySet:
        return per_day(
            DeputyActivity.objects.filter(deputy_id__in=ids, kind__in=kinds, date__year=year),
            F("date"),
        )

    source.kinds = kinds  # type: ignore[attr-defined]  # registered once (see ReportsConfig)
    return source


# --- Stations and regions ---------------------------------------------------------------------


def _assignments(deputy_ids: list[int]) -> tuple[dict[int, list[str]], dict[int, str]]:
    """The deputies' current stations (primary first) and their primary station's region path
    (whose quota rules apply to them): one query."""
    names: dict[int, list[str]] = defaultdict(list)
    paths: dict[int, str] = {}
    for deputy_id, name, is_primary, path in (
        StationAssignment.objects.filter(deputy_id__in=deputy_ids, end_date__isnull=True)
        .order_by("-is_primary", "station__name")
        .values_list("deputy_id", "station__name", "is_primary", "station__region__path")
    ):
        names[deputy_id].append(name)
        if is_primary:
            paths[deputy_id] = path
    return names, paths


# --- One deputy's record ----------------------------------------------------------------------


@dataclass
class DeputyRecord:
    deputy: Deputy
    year: int
    figures: Figures
    duty: DutyYear
    activities: list[DeputyActivity]
    stations: list[str]


def deputy_record(deputy: Deputy, year: int, today: dt.date | None = None) -> DeputyRecord:
    """Everything the record page, the print sheet and the one-deputy export show.

    ``deputy`` may come from ``with_figures`` (the record pages fetch it so: one query less).
    """
    figures = (
        figures_of(deputy) if hasattr(deputy, "f_duties") else compute([deputy.pk], year)[deputy.pk]
    )
    names, paths = _assignments([deputy.pk])
    return DeputyRecord(
        deputy=deputy,
        year=year,
        figures=figures,
        duty=duty_years([deputy.pk], year, today, paths=paths)[deputy.pk],
        activities=list(
            DeputyActivity.objects.filter(deputy=deputy, date__year=year).select_related(
                "recorded_by"
            )
        ),
        stations=names[deputy.pk],
    )


@dataclass
class Row:
    deputy_id: int
    name: str
    stations: list[str]
    figures: Figures
    duty: DutyYear


def records(deputies: QuerySet, year: int, today: dt.date | None = None) -> Iterator[Row]:
    """Rows for many deputies, in batches of ``BATCH`` (the ledgers): four queries a batch."""
    today = today or timezone.localdate()
    rows = with_figures(deputies.only("pk", "name"), year).iterator(chunk_size=BATCH)
    batch: list[Deputy] = []
    for deputy in rows:
        batch.append(deputy)
        if len(batch) >= BATCH:
            yield from _rows(batch, year, today)
            batch = []
    if batch:
        yield from _rows(batch, year, today)


def _rows(batch: list[Deputy], year: int, today: dt.date) -> Iterator[Row]:
    ids = [d.pk for d in batch]
    names, paths = _assignments(ids)
    years = duty_years(ids, year, today, paths=paths)
    for d in batch:
        yield Row(d.pk, d.name, names[d.pk], figures_of(d), years[d.pk])


# --- Excel ----------------------------------------------------------------------------------

FACT_HEADERS = (
    gettext_lazy("Deputy"),
    gettext_lazy("Stations"),
    gettext_lazy("Year"),
    gettext_lazy("Duties scheduled"),
    gettext_lazy("Duties attended"),
    gettext_lazy("Late"),
    gettext_lazy("Missed"),
    gettext_lazy("Replaced"),
    gettext_lazy("Swaps"),
    gettext_lazy("Receptions attended"),
    gettext_lazy("Constituents received"),
    gettext_lazy("Opinions collected"),
    gettext_lazy("Accepted"),
    gettext_lazy("Cases closed"),
    gettext_lazy("Satisfaction rate (%)"),
    gettext_lazy("Training"),
    gettext_lazy("Inspections"),
    gettext_lazy("Research"),
    gettext_lazy("Report-backs, oral"),
    gettext_lazy("Report-backs, written"),
    gettext_lazy("Report-backs in term"),
)
# One column per "八个一" item (what counted this year), then the reasons the deputy is behind
# against their own region's quotas: the same words as duty's year page and behind list.
ITEM_HEADERS = tuple(format_lazy(gettext_lazy("{item} (this year)"), item=i.label) for i in ITEMS)
LEDGER_HEADERS = (*FACT_HEADERS, *ITEM_HEADERS, gettext_lazy("Behind on quotas"))


def behind_text(duty: DutyYear) -> str:
    return "；".join(duty.reasons) if duty.is_behind else _("No")


def ledger_row(row: Row, year: int) -> list:
    f = row.figures
    return [
        row.name,
        "、".join(row.stations),
        year,
        f.duties,
        f.attended,
        f.late,
        f.missed,
        f.replaced,
        f.swaps,
        f.receptions,
        f.constituents,
        f.opinions,
        f.accepted,
        f.closed,
        "" if f.satisfaction_rate is None else f.satisfaction_rate,
        f.activity(ActivityKind.TRAINING),
        f.activity(ActivityKind.INSPECTION),
        f.activity(ActivityKind.RESEARCH),
        f.activity(ActivityKind.REPORT_ORAL),
        f.activity(ActivityKind.REPORT_WRITTEN),
        f.report_backs_in_term,
        *(row.duty.item(i.code).total for i in ITEMS),
        behind_text(row.duty),
    ]


def ledger_rows(deputies: QuerySet, year: int) -> Iterator[list]:
    for row in records(deputies, year):
        yield ledger_row(row, year)


def _months_text(item_year) -> str:
    """A monthly item's twelve cells: count / quota, ✗ for a month over and short."""
    return " · ".join(
        f"{c.month}: {c.count}/{c.quota}{' ✗' if c.missed else ''}" for c in item_year.cells
    )


def record_sheet_rows(record: DeputyRecord) -> list[list]:
    """One deputy's year as (item, value) rows for the single-deputy export."""
    row = Row(record.deputy.pk, record.deputy.name, record.stations, record.figures, record.duty)
    values = ledger_row(row, record.year)
    rows: list[list] = [[str(h), v] for h, v in zip(LEDGER_HEADERS[:-1], values[:-1], strict=True)]
    for item_year in record.duty.items:
        if item_year.item.is_monthly:
            label = _("%(item)s by month (quota %(quota)d)") % {
                "item": item_year.item.label,
                "quota": item_year.quota,
            }
            rows.append([label, _months_text(item_year)])
    rows.append([str(LEDGER_HEADERS[-1]), values[-1]])
    for activity in record.activities:
        rows.append(
            [
                f"{activity.date:%Y-%m-%d} {activity.get_kind_display()}",
                activity.title,
            ]
        )
    return rows
