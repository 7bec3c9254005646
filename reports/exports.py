"""The four ledgers (台账) as Excel: rows streamed from the database in chunks, headers in gettext.

Every ledger is scoped by ``visible_to(user)`` first and filtered second, so a filter can only
narrow what the user may see. Rows come from ``values_list(...).iterator(chunk_size=...)`` and
the many-to-many names are fetched once per chunk, so memory stays flat however large the
export, and the number of queries grows with the number of chunks, not rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.pii import mask_name, mask_phone
from deputies.models import Deputy, StationAssignment
from petitions.choices import (
    Channel,
    Escalation,
    ReceptionKind,
    Satisfaction,
    Status,
    Tier,
    Urgency,
)
from petitions.models import Category, Petition, Reception
from stations.models import Department, Region, Station
from stations.paths import region_paths_q
from stations.scope import managed_station_ids, with_rooms_q

from .ledgers.choices import LedgerKind

CHUNK = 2000


def sync_max_rows() -> int:
    """Exports up to this many rows download at once; larger ones run as a Celery task."""
    return settings.LEDGER_SYNC_MAX_ROWS


# --- Filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFilters:
    """What the user asked for; JSON-able so an export job can carry it to the worker."""

    region_id: int | None = None
    station_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    year: int | None = None

    def to_json(self) -> dict:
        return {
            "region_id": self.region_id,
            "station_id": self.station_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "year": self.year,
        }

    @classmethod
    def from_json(cls, data: dict) -> LedgerFilters:
        def day(value):
            return dt.date.fromisoformat(value) if value else None

        return cls(
            region_id=data.get("region_id"),
            station_id=data.get("station_id"),
            date_from=day(data.get("date_from")),
            date_to=day(data.get("date_to")),
            year=data.get("year"),
        )

    @property
    def record_year(self) -> int:
        if self.year:
            return int(self.year)
        if self.date_from:
            return self.date_from.year
        return timezone.localdate().year


def _station_filter(qs: QuerySet, filters: LedgerFilters, field: str = "station") -> QuerySet:
    """Narrow to a region subtree and/or a station (with the rooms and points below it)."""
    if filters.region_id:
        path = Region.objects.filter(pk=filters.region_id).values_list("path", flat=True).first()
        # An unknown region id narrows to nothing rather than widening to everything.
        qs = qs.filter(region_paths_q([path], f"{field}__region__path")) if path else qs.none()
    if filters.station_id:
        qs = qs.filter(with_rooms_q([filters.station_id], field))
    return qs


def _period(qs: QuerySet, filters: LedgerFilters, field: str) -> QuerySet:
    """Filter a datetime field by local calendar days (Asia/Shanghai)."""
    if filters.date_from:
        qs = qs.filter(**{f"{field}__date__gte": filters.date_from})
    if filters.date_to:
        qs = qs.filter(**{f"{field}__date__lte": filters.date_to})
    return qs


# --- Helpers ----------------------------------------------------------------------------------


def _chunks(iterable: Iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def _local(value: dt.datetime | None) -> dt.datetime | str:
    """A moment as a real Excel date-time in local time (Excel has no time zones)."""
    return timezone.localtime(value).replace(tzinfo=None, second=0, microsecond=0) if value else ""


def _day(value: dt.date | dt.datetime | None) -> dt.date | str:
    """A calendar day as a real Excel date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def _time(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def display_code(code: str) -> str:
    """The tracking code grouped as the pages show it (ABCD-EFGH-JKLM-NP)."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _label(choices, value) -> str:
    if value in ("", None):
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _names(model, ids: Iterable[int]) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {
        pk: str(name) for pk, name in model.objects.filter(pk__in=ids).values_list("pk", "name")
    }


def _category_names() -> dict[int, str]:
    # Few rows; str() picks the English name when the active language is English.
    return {c.pk: str(c) for c in Category.objects.all()}


def _pii_station_ids(user) -> frozenset[int]:
    """Stations whose constituents' names and phones this user may see in full.

    Only staff of the owning station (a head also looks after the rooms below it). Clerks and
    administrators get masked values: a ledger travels further than a screen.
    """
    return managed_station_ids(user)


# --- The ledgers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ledger:
    kind: str
    headers: Callable[[], list[str]]
    queryset: Callable[[Any, LedgerFilters], QuerySet]
    rows: Callable[[Any, LedgerFilters, QuerySet], Iterator[list]]
    widths: tuple[int, ...] = ()  # empty: fitted to the content


# Reception register ------------------------------------------------------------------------------

RECEPTION_HEADERS = (
    gettext_lazy("Date"),
    gettext_lazy("Time"),
    gettext_lazy("Station"),
    gettext_lazy("Type"),
    gettext_lazy("Topic"),
    gettext_lazy("Deputies present"),
    gettext_lazy("Departments present"),
    gettext_lazy("Constituents received"),
    gettext_lazy("Opinions recorded"),
    gettext_lazy("Notes"),
)


def reception_queryset(user, filters: LedgerFilters) -> QuerySet:
    qs = _station_filter(Reception.objects.visible_to(user), filters)
    return _period(qs, filters, "held_at").order_by("held_at", "pk")


def reception_rows(user, filters: LedgerFilters, qs: QuerySet) -> Iterator[list]:
    rows = qs.values_list(
        "pk", "held_at", "station_id", "kind", "topic", "constituents_count", "notes"
    ).iterator(chunk_size=CHUNK)
    through_d = Reception.deputies.through
    through_dep = Reception.departments.through
    for batch in _chunks(rows):
        ids = [r[0] for r in batch]
        stations = _names(Station, (r[2] for r in batch))
        deputies: dict[int, list[str]] = defaultdict(list)
        for rid, name in through_d.objects.filter(reception_id__in=ids).values_list(
            "reception_id", "deputy__name"
        ):
            deputies[rid].append(name)
        departments: dict[int, list[str]] = defaultdict(list)
        for rid, name in through_dep.objects.filter(reception_id__in=ids).values_list(
            "reception_id", "department__name"
        ):
            departments[rid].append(name)
        opinions: dict[int, int] = defaultdict(int)
        for rid in Petition.objects.filter(reception_id__in=ids).values_list(
            "reception_id", flat=True
        ):
            opinions[rid] += 1
        for pk, held_at, station_id, kind, topic, count, notes in batch:
            yield [
                _day(held_at),
                _time(held_at),
                stations.get(station_id, ""),
                _label(ReceptionKind, kind),
                topic,
                "、".join(sorted(deputies[pk])),
                "、".join(sorted(departments[pk])),
                count,
                opinions[pk],
                notes,
            ]


# Petition ledger -------------------------------------------------------------------------------

PETITION_HEADERS = (
    gettext_lazy("Tracking code"),
    gettext_lazy("Submitted at"),
    gettext_lazy("Station"),
    gettext_lazy("Channel"),
    gettext_lazy("Constituent"),
    gettext_lazy("Phone"),
    gettext_lazy("Title"),
    gettext_lazy("Content"),
    gettext_lazy("Category"),
    gettext_lazy("Urgency"),
    gettext_lazy("Tier"),
    gettext_lazy("Status"),
    gettext_lazy("Deputy"),
    gettext_lazy("Lead department"),
    gettext_lazy("Accepted at"),
    gettext_lazy("Assigned at"),
    gettext_lazy("Deadline"),
    gettext_lazy("Replied at"),
    gettext_lazy("Closed at"),
    gettext_lazy("Satisfaction"),
    gettext_lazy("Times reopened"),
    gettext_lazy("Reply"),
)


def petition_queryset(user, filters: LedgerFilters) -> QuerySet:
    qs = _station_filter(Petition.objects.visible_to(user), filters)
    return _period(qs, filters, "submitted_at").order_by("submitted_at", "pk")


def petition_rows(user, filters: LedgerFilters, qs: QuerySet) -> Iterator[list]:
    full_pii = _pii_station_ids(user)
    categories = _category_names()
    anonymous = _("Anonymous")
    rows = qs.values_list(
        "tracking_code",
        "submitted_at",
        "station_id",
        "channel",
        "is_anonymous",
        "constituent_name",
        "phone",
        "title",
        "content",
        "category_id",
        "urgency",
        "tier",
        "status",
        "deputy_id",
        "lead_department_id",
        "accepted_at",
        "assigned_at",
        "deadline",
        "replied_at",
        "closed_at",
        "satisfaction",
        "reopen_count",
        "reply_summary",
    ).iterator(chunk_size=CHUNK)
    for batch in _chunks(rows):
        stations = _names(Station, (r[2] for r in batch))
        deputies = _names(Deputy, (r[13] for r in batch))
        departments = _names(Department, (r[14] for r in batch))
        for (
            code,
            submitted_at,
            station_id,
            channel,
            is_anonymous,
            name,
            phone,
            title,
            content,
            category_id,
            urgency,
            tier,
            status,
            deputy_id,
            department_id,
            accepted_at,
            assigned_at,
            deadline,
            replied_at,
            closed_at,
            satisfaction,
            reopened,
            reply,
        ) in batch:
            full = station_id in full_pii
            if is_anonymous:
                name = anonymous
            elif not full:
                name = mask_name(name)
            yield [
                display_code(code),
                _local(submitted_at),
                stations.get(station_id, ""),
                _label(Channel, channel),
                name,
                phone if full else mask_phone(phone),
                title,
                content,
                categories.get(category_id, ""),
                _label(Urgency, urgency),
                _label(Tier, tier),
                _label(Status, status),
                deputies.get(deputy_id, ""),
                departments.get(department_id, ""),
                _local(accepted_at),
                _local(assigned_at),
                _day(deadline),
                _local(replied_at),
                _local(closed_at),
                _label(Satisfaction, satisfaction),
                reopened,
                reply,
            ]


# Department handling ledger ----------------------------------------------------------------------

DEPARTMENT_HEADERS = (
    gettext_lazy("Tracking code"),
    gettext_lazy("Title"),
    gettext_lazy("Station"),
    gettext_lazy("Department"),
    gettext_lazy("Role"),
    gettext_lazy("Assigned at"),
    gettext_lazy("Deadline"),
    gettext_lazy("Replied at"),
    gettext_lazy("On time"),
    gettext_lazy("Days to reply"),
    gettext_lazy("Escalation"),
    gettext_lazy("Status"),
)


def department_queryset(user, filters: LedgerFilters) -> QuerySet:
    qs = _station_filter(Petition.objects.visible_to(user), filters).filter(
        lead_department__isnull=False
    )
    return _period(qs, filters, "assigned_at").order_by("assigned_at", "pk")


def _on_time(deadline, replied_at, today: dt.date) -> str:
    if deadline is None:
        return ""
    if replied_at is not None:
        return _("Yes") if timezone.localtime(replied_at).date() <= deadline else _("No")
    return _("Overdue") if today > deadline else ""


def _days(assigned_at, replied_at) -> int | str:
    if assigned_at is None or replied_at is None:
        return ""
    return (timezone.localtime(replied_at).date() - timezone.localtime(assigned_at).date()).days


def department_rows(user, filters: LedgerFilters, qs: QuerySet) -> Iterator[list]:
    today = timezone.localdate()
    lead_label, assisting_label = _("Lead"), _("Assisting")
    rows = qs.values_list(
        "pk",
        "tracking_code",
        "title",
        "station_id",
        "lead_department_id",
        "assigned_at",
        "deadline",
        "replied_at",
        "supervision__level",  # no supervision row: never escalated (level 0)
        "status",
    ).iterator(chunk_size=CHUNK)
    through = Petition.assisting_departments.through
    # Imported here: Reply lives in petitions and is only needed for assisting departments.
    from petitions.models import Reply

    for batch in _chunks(rows):
        ids = [r[0] for r in batch]
        assisting: dict[int, list[int]] = defaultdict(list)
        for pid, did in through.objects.filter(petition_id__in=ids).values_list(
            "petition_id", "department_id"
        ):
            assisting[pid].append(did)
        first_reply = {
            (pid, did): at
            for pid, did, at in Reply.objects.filter(petition_id__in=ids, is_lead=False)
            .values("petition_id", "department_id")
            .annotate(first=Min("created_at"))
            .values_list("petition_id", "department_id", "first")
        }
        stations = _names(Station, (r[3] for r in batch))
        departments = _names(
            Department, [r[4] for r in batch] + [d for ds in assisting.values() for d in ds]
        )
        for (
            pk,
            code,
            title,
            station_id,
            lead_id,
            assigned_at,
            deadline,
            replied_at,
            esc,
            status,
        ) in batch:
            common = [code, title, stations.get(station_id, "")]
            yield common + [
                departments.get(lead_id, ""),
                lead_label,
                _local(assigned_at),
                _day(deadline),
                _local(replied_at),
                _on_time(deadline, replied_at, today),
                _days(assigned_at, replied_at),
                _label(Escalation, esc or Escalation.NONE),
                _label(Status, status),
            ]
            for did in sorted(assisting[pk], key=lambda d: departments.get(d, "")):
                at = first_reply.get((pk, did))
                yield common + [
                    departments.get(did, ""),
                    assisting_label,
                    _local(assigned_at),
                    _day(deadline),
                    _local(at),
                    _on_time(deadline, at, today),
                    _days(assigned_at, at),
                    "",
                    _label(Status, status),
                ]


# Deputy performance ledger -----------------------------------------------------------------------


def deputy_queryset(user, filters: LedgerFilters) -> QuerySet:
    qs = Deputy.objects.visible_to(user)
    if filters.region_id or filters.station_id:
        assignments = _station_filter(
            StationAssignment.objects.filter(end_date__isnull=True), filters
        )
        qs = qs.filter(pk__in=assignments.values("deputy_id"))
    return qs.order_by("name_pinyin", "pk")


def deputy_headers() -> list[str]:
    from .record import LEDGER_HEADERS

    return [str(h) for h in LEDGER_HEADERS]


def deputy_rows(user, filters: LedgerFilters, qs: QuerySet) -> Iterator[list]:
    from .record import ledger_rows

    return ledger_rows(qs, filters.record_year)


LEDGERS: dict[str, Ledger] = {
    LedgerKind.RECEPTIONS: Ledger(
        LedgerKind.RECEPTIONS,
        lambda: [str(h) for h in RECEPTION_HEADERS],
        reception_queryset,
        reception_rows,
    ),
    LedgerKind.PETITIONS: Ledger(
        LedgerKind.PETITIONS,
        lambda: [str(h) for h in PETITION_HEADERS],
        petition_queryset,
        petition_rows,
    ),
    LedgerKind.DEPARTMENTS: Ledger(
        LedgerKind.DEPARTMENTS,
        lambda: [str(h) for h in DEPARTMENT_HEADERS],
        department_queryset,
        department_rows,
    ),
    LedgerKind.DEPUTIES: Ledger(LedgerKind.DEPUTIES, deputy_headers, deputy_queryset, deputy_rows),
}


def file_name(kind: str, filters: LedgerFilters) -> str:
    label = str(LedgerKind(kind).label)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if kind == LedgerKind.DEPUTIES:
        stamp = str(filters.record_year)
    return f"{label}-{stamp}.xlsx"


def ledger_title(kind: str, filters: LedgerFilters) -> str:
    """The title row of a ledger: what it is, whose, and for which period."""
    if filters.station_id:
        scope = Station.objects.filter(pk=filters.station_id).values_list("name", flat=True).first()
    elif filters.region_id:
        scope = Region.objects.filter(pk=filters.region_id).values_list("name", flat=True).first()
    else:
        scope = None
    if kind == LedgerKind.DEPUTIES:
        period = _("Year %(y)s") % {"y": filters.record_year}
    elif filters.date_from or filters.date_to:
        low = filters.date_from.isoformat() if filters.date_from else "…"
        high = filters.date_to.isoformat() if filters.date_to else "…"
        period = f"{low} – {high}"
    else:
        period = _("All dates")
    return " · ".join([str(LedgerKind(kind).label), scope or _("Everything you may see"), period])
