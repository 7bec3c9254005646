"""The deputy performance record (履职档案, "一人一档"): built from recorded facts, per year.

It lives in ``reports`` because it reads two domain apps at once: the roster's duties and swaps
(``deputies``) and receptions and cases (``petitions``), plus the activities staff record here.

Figures for many deputies are computed together in a fixed number of grouped queries, so a
station's page, the "who is behind" list and the ledger cost the same few queries per batch.

Definitions (the "why" behind each number):
  * station activities: distinct days the deputy attended a duty (present or late) or was
    recorded at a reception — a duty and the reception held on it are one activity, not two;
  * "八个一" month cells: a month is met for receptions when it has a station activity, and
    for opinions when an opinion collected by the deputy was submitted in it;
  * report-back: at least one oral or written report-back (述职) in the term, taken as the
    five years up to and including the record year.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies.models import Deputy, StationAssignment
from deputies.roster.choices import DutyStatus, SwapStatus
from deputies.roster.models import Duty, SwapRequest
from deputies.roster.selectors import annual_quota
from petitions.choices import Satisfaction, Status
from petitions.models import Petition, Reception

from .ledgers.choices import REPORT_BACK_KINDS, ActivityKind
from .ledgers.models import DeputyActivity

TERM_YEARS = 5
BATCH = 2000


@dataclass
class Figures:
    """One deputy's facts for one year."""

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
    activities: dict[str, int] = field(default_factory=dict)
    activity_dates: set[dt.date] = field(default_factory=set)
    opinion_months: set[int] = field(default_factory=set)

    @property
    def station_activities(self) -> int:
        return len(self.activity_dates)

    @property
    def reception_months(self) -> set[int]:
        return {d.month for d in self.activity_dates}

    @property
    def satisfaction_rate(self) -> int | None:
        """Satisfied + basically satisfied over rated, in percent; None when nothing was rated."""
        return round(100 * self.satisfied / self.rated) if self.rated else None

    def activity(self, kind: str) -> int:
        return self.activities.get(kind, 0)


def compute(deputy_ids: Iterable[int], year: int) -> dict[int, Figures]:
    """Figures for many deputies in one year: a fixed number of grouped queries."""
    ids = list(deputy_ids)
    figures = {pk: Figures(pk) for pk in ids}
    if not ids:
        return figures

    duties = Duty.objects.filter(deputy_id__in=ids, day__date__year=year)
    for deputy_id, status, n in (
        duties.values("deputy_id", "status")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "status", "n")
    ):
        f = figures[deputy_id]
        f.duties += n
        if status in (DutyStatus.PRESENT, DutyStatus.LATE):
            f.attended += n
        if status == DutyStatus.LATE:
            f.late += n
        elif status == DutyStatus.ABSENT:
            f.missed += n
        elif status == DutyStatus.REPLACED:
            f.replaced += n
    for deputy_id, day in duties.filter(
        status__in=(DutyStatus.PRESENT, DutyStatus.LATE)
    ).values_list("deputy_id", "day__date"):
        figures[deputy_id].activity_dates.add(day)
    swaps = SwapRequest.objects.filter(
        Q(requester_id__in=ids) | Q(counterpart_id__in=ids),
        status=SwapStatus.CONFIRMED,
        decided_at__year=year,
    ).values_list("requester_id", "counterpart_id")
    for requester_id, counterpart_id in swaps:
        for pk in (requester_id, counterpart_id):
            if pk in figures:
                figures[pk].swaps += 1

    through = Reception.deputies.through
    for deputy_id, held_at, count in through.objects.filter(
        deputy_id__in=ids, reception__held_at__year=year
    ).values_list("deputy_id", "reception__held_at", "reception__constituents_count"):
        f = figures[deputy_id]
        f.receptions += 1
        f.constituents += count
        f.activity_dates.add(timezone.localtime(held_at).date())

    collected = Petition.objects.filter(deputy_id__in=ids, submitted_at__year=year)
    for row in collected.values("deputy_id").annotate(
        n=Count("pk"), accepted=Count("pk", filter=Q(accepted_at__isnull=False))
    ):
        f = figures[row["deputy_id"]]
        f.opinions, f.accepted = row["n"], row["accepted"]
    for deputy_id, month in (
        collected.annotate(month=ExtractMonth("submitted_at"))
        .values_list("deputy_id", "month")
        .distinct()
    ):
        figures[deputy_id].opinion_months.add(month)

    good = (Satisfaction.SATISFIED, Satisfaction.BASIC)
    for closed in (
        Petition.objects.filter(deputy_id__in=ids, status=Status.CLOSED, closed_at__year=year)
        .values("deputy_id")
        .annotate(
            n=Count("pk"),
            rated=Count("pk", filter=~Q(satisfaction="")),
            satisfied=Count("pk", filter=Q(satisfaction__in=good)),
        )
    ):
        f = figures[closed["deputy_id"]]
        f.closed, f.rated, f.satisfied = closed["n"], closed["rated"], closed["satisfied"]

    for deputy_id, kind, n in (
        DeputyActivity.objects.filter(deputy_id__in=ids, date__year=year)
        .values("deputy_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "kind", "n")
    ):
        figures[deputy_id].activities[kind] = n
    for backs in (
        DeputyActivity.objects.filter(
            deputy_id__in=ids,
            kind__in=REPORT_BACK_KINDS,
            date__year__gt=year - TERM_YEARS,
            date__year__lte=year,
        )
        .values("deputy_id")
        .annotate(n=Count("pk"))
    ):
        figures[backs["deputy_id"]].report_backs_in_term = backs["n"]
    return figures


# --- Quotas -------------------------------------------------------------------------------------


@dataclass
class MonthCell:
    month: int
    reception: bool
    opinion: bool
    state: str  # "due" (month over), "current" or "future"

    @property
    def reception_missed(self) -> bool:
        return self.state == "due" and not self.reception

    @property
    def opinion_missed(self) -> bool:
        return self.state == "due" and not self.opinion


@dataclass
class Quotas:
    """The quotas of the year with what is done, what is due by today, and what is missing."""

    activities_done: int
    activities_target: int
    activities_due: int
    months: list[MonthCell]
    report_backs: int
    months_due: int

    @property
    def activities_percent(self) -> int:
        return (
            min(100, round(100 * self.activities_done / self.activities_target))
            if self.activities_target
            else 100
        )

    @property
    def reception_months_done(self) -> int:
        return sum(c.reception for c in self.months)

    @property
    def opinion_months_done(self) -> int:
        return sum(c.opinion for c in self.months)

    @property
    def reception_months_missed(self) -> int:
        return sum(c.reception_missed for c in self.months)

    @property
    def opinion_months_missed(self) -> int:
        return sum(c.opinion_missed for c in self.months)

    @property
    def reception_percent(self) -> int:
        return round(100 * self.reception_months_done / 12)

    @property
    def opinion_percent(self) -> int:
        return round(100 * self.opinion_months_done / 12)

    @property
    def report_back_done(self) -> bool:
        return self.report_backs > 0

    @property
    def reasons(self) -> list[str]:
        """Why a deputy is behind, in words; empty when on track."""
        found = []
        if self.activities_done < self.activities_due:
            found.append(
                _("%(done)d of %(due)d station activities due so far")
                % {"done": self.activities_done, "due": self.activities_due}
            )
        if self.reception_months_missed:
            found.append(
                _("%(n)d month(s) without a reception") % {"n": self.reception_months_missed}
            )
        if self.opinion_months_missed:
            found.append(
                _("%(n)d month(s) without an opinion reported") % {"n": self.opinion_months_missed}
            )
        if not self.report_back_done and self.months_due >= 12:
            found.append(_("no report-back in this term"))
        return found

    @property
    def is_behind(self) -> bool:
        return bool(self.reasons)


def months_due(year: int, today: dt.date) -> int:
    """Months of ``year`` that are over by ``today``."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1


def quotas(figures: Figures, year: int, today: dt.date | None = None) -> Quotas:
    today = today or timezone.localdate()
    due = months_due(year, today)
    target = annual_quota()
    cells = []
    for month in range(1, 13):
        if month <= due:
            state = "due"
        elif year == today.year and month == today.month:
            state = "current"
        else:
            state = "future"
        cells.append(
            MonthCell(
                month, month in figures.reception_months, month in figures.opinion_months, state
            )
        )
    return Quotas(
        activities_done=figures.station_activities,
        activities_target=target,
        # Pro rata: a deputy is behind in June only if below half the year's quota.
        activities_due=math.floor(target * due / 12),
        months=cells,
        report_backs=figures.report_backs_in_term,
        months_due=due,
    )


# --- One deputy's record ----------------------------------------------------------------------


@dataclass
class DeputyRecord:
    deputy: Deputy
    year: int
    figures: Figures
    quotas: Quotas
    activities: list[DeputyActivity]
    stations: list[str]


def _station_names(deputy_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    for deputy_id, name in (
        StationAssignment.objects.filter(deputy_id__in=deputy_ids, end_date__isnull=True)
        .order_by("-is_primary", "station__name")
        .values_list("deputy_id", "station__name")
    ):
        names[deputy_id].append(name)
    return names


def deputy_record(deputy: Deputy, year: int, today: dt.date | None = None) -> DeputyRecord:
    """Everything the record page, the print sheet and the one-deputy export show."""
    figures = compute([deputy.pk], year)[deputy.pk]
    return DeputyRecord(
        deputy=deputy,
        year=year,
        figures=figures,
        quotas=quotas(figures, year, today),
        activities=list(
            DeputyActivity.objects.filter(deputy=deputy, date__year=year).select_related(
                "recorded_by"
            )
        ),
        stations=_station_names([deputy.pk])[deputy.pk],
    )


@dataclass
class Row:
    deputy_id: int
    name: str
    stations: list[str]
    figures: Figures
    quotas: Quotas


def records(deputies: QuerySet, year: int, today: dt.date | None = None) -> Iterator[Row]:
    """Rows for many deputies, in batches (the behind list and the ledgers)."""
    today = today or timezone.localdate()
    rows = deputies.values_list("pk", "name").iterator(chunk_size=BATCH)
    batch: list[tuple[int, str]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= BATCH:
            yield from _rows(batch, year, today)
            batch = []
    if batch:
        yield from _rows(batch, year, today)


def _rows(batch: list[tuple[int, str]], year: int, today: dt.date) -> Iterator[Row]:
    ids = [pk for pk, _name in batch]
    figures = compute(ids, year)
    stations = _station_names(ids)
    for pk, name in batch:
        yield Row(pk, name, stations[pk], figures[pk], quotas(figures[pk], year, today))


# --- Excel ----------------------------------------------------------------------------------

LEDGER_HEADERS = (
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
    gettext_lazy("Station activities"),
    gettext_lazy("Months with a reception"),
    gettext_lazy("Months with an opinion"),
    gettext_lazy("Training"),
    gettext_lazy("Inspections"),
    gettext_lazy("Research"),
    gettext_lazy("Report-backs, oral"),
    gettext_lazy("Report-backs, written"),
    gettext_lazy("Report-backs in term"),
    gettext_lazy("Behind on quotas"),
)


def ledger_row(row: Row, year: int) -> list:
    f, q = row.figures, row.quotas
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
        f.station_activities,
        q.reception_months_done,
        q.opinion_months_done,
        f.activity(ActivityKind.TRAINING),
        f.activity(ActivityKind.INSPECTION),
        f.activity(ActivityKind.RESEARCH),
        f.activity(ActivityKind.REPORT_ORAL),
        f.activity(ActivityKind.REPORT_WRITTEN),
        f.report_backs_in_term,
        "；".join(q.reasons) if q.is_behind else _("No"),
    ]


def ledger_rows(deputies: QuerySet, year: int) -> Iterator[list]:
    for row in records(deputies, year):
        yield ledger_row(row, year)


def record_sheet_rows(record: DeputyRecord) -> list[list]:
    """One deputy's year as (item, value) rows for the single-deputy export."""
    f, q = record.figures, record.quotas
    yes, no = _("Yes"), _("No")
    rows: list[list] = [
        [_("Deputy"), record.deputy.name],
        [_("Stations"), "、".join(record.stations)],
        [_("Year"), record.year],
    ]
    for header, value in zip(
        LEDGER_HEADERS[3:24],
        ledger_row(Row(record.deputy.pk, record.deputy.name, record.stations, f, q), record.year)[
            3:24
        ],
        strict=True,
    ):
        rows.append([str(header), value])
    for cell in q.months:
        rows.append(
            [
                _("Month %(m)d: reception / opinion") % {"m": cell.month},
                f"{yes if cell.reception else no} / {yes if cell.opinion else no}",
            ]
        )
    rows.append([_("Behind on quotas"), "；".join(q.reasons) if q.is_behind else no])
    for activity in record.activities:
        rows.append(
            [
                f"{activity.date:%Y-%m-%d} {activity.get_kind_display()}",
                activity.title,
            ]
        )
    return rows
