"""Reads for the suggestion pages, and the figures clerks and reports/ use.

The figures of a set of suggestions (those registered in a year, in the user's scope):

* registered (立案数): suggestions given a number that year;
* replied (已答复): those whose current reply stands (one being handled again after an
  unsatisfied evaluation counts again only when the department answers anew);
* A / B / C shares: each class ÷ replied, from the current reply's national classification
  (A 已解决或采纳, B 列入计划逐步解决, C 留作参考);
* adoption rate (采纳率): the A share — solved or adopted ÷ replied. (Some committees also count
  B as "adopted"; we publish the B share next to it so either reading can be made.)
* fulfilment rate (兑现率): class-B suggestions whose planned item was delivered ÷ class-B
  suggestions ("政府答复的兑现率达到100%", seed 003);
* replied on time (按时答复率): replies (every round) given by their limit ÷ replies given;
* deputies' satisfaction (满意率): suggestions whose latest evaluation by the lead deputy is
  satisfied or basically satisfied ÷ suggestions evaluated ("代表对政府工作的满意度每年保持在
  96%", seed 003);
* overdue now: being handled past the limit.

Every figure is computed in two grouped queries (suggestions, replies) whatever the number of
rows, for the whole scope or grouped by lead department or by lead deputy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from .choices import UNDER_DEADLINE, Classification, Evaluation, Status
from .models import Suggestion, SuggestionReply

GROUPS = {None: None, "department": "lead_department", "deputy": "lead_deputy"}
REPLY_GROUPS = {None: None, "department": "department", "deputy": "suggestion__lead_deputy"}


def _rate(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


@dataclass
class Figures:
    """The figures of one group (a department, a deputy, or the whole scope)."""

    key: int | None = None
    name: str = ""
    registered: int = 0
    replied: int = 0
    a: int = 0
    b: int = 0
    c: int = 0
    b_fulfilled: int = 0
    evaluated: int = 0
    satisfied: int = 0  # satisfied or basically satisfied
    overdue: int = 0
    replies: int = 0
    on_time: int = 0

    @property
    def a_share(self) -> float | None:
        return _rate(self.a, self.replied)

    @property
    def b_share(self) -> float | None:
        return _rate(self.b, self.replied)

    @property
    def c_share(self) -> float | None:
        return _rate(self.c, self.replied)

    @property
    def adoption_rate(self) -> float | None:
        """采纳率: the A share."""
        return self.a_share

    @property
    def fulfilment_rate(self) -> float | None:
        """兑现率: delivered class-B ÷ class B."""
        return _rate(self.b_fulfilled, self.b)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.replies)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.evaluated)


def registered_in(qs: QuerySet, year: int) -> QuerySet:
    return qs.filter(number__isnull=False, year=year)


def _figure_counts(today: dt.date, where: Q | None = None) -> dict[str, Count]:
    """The counts behind every suggestion figure but the reply rounds, named as ``Figures``;
    ``where`` narrows every count (the rows one aggregate shares with other counts)."""

    def n(q: Q | None = None) -> Count:
        if where is not None:
            q = where if q is None else where & q
        return Count("pk", filter=q)

    return {
        "registered": n(),
        "replied": n(~Q(classification="")),
        "a": n(Q(classification=Classification.A)),
        "b": n(Q(classification=Classification.B)),
        "c": n(Q(classification=Classification.C)),
        "b_fulfilled": n(Q(classification=Classification.B, fulfilled_at__isnull=False)),
        "evaluated": n(~Q(evaluation="")),
        "satisfied": n(Q(evaluation__in=[Evaluation.SATISFIED, Evaluation.BASIC])),
        "overdue": n(Q(status__in=UNDER_DEADLINE, deadline__lt=today)),
    }


def figures(qs: QuerySet, *, by: str | None = None, today: dt.date) -> list[Figures]:
    """Figures of the registered suggestions in ``qs``, one row per group (``by`` is None,
    "department" or "deputy"), largest groups first."""
    qs = qs.filter(number__isnull=False)
    group = GROUPS[by]
    counts = _figure_counts(today)
    rows: dict[int | None, Figures] = {}
    if group is None:
        rows[None] = Figures(**qs.aggregate(**counts))
    else:
        name = f"{group}__name"
        for r in qs.values(group, name).annotate(**counts).order_by():
            key = r.pop(group)
            rows[key] = Figures(key=key, name=r.pop(name) or "", **r)
    reply_group = REPLY_GROUPS[by]
    replies = SuggestionReply.objects.filter(suggestion__in=qs.values("pk"))
    reply_counts = {"replies": Count("pk"), "on_time": Count("pk", filter=Q(on_time=True))}
    if reply_group is None:
        got = replies.aggregate(**reply_counts)
        rows[None].replies, rows[None].on_time = got["replies"], got["on_time"]
    else:
        for r in replies.values(reply_group).annotate(**reply_counts).order_by():
            row = rows.get(r[reply_group])
            if row is not None:
                row.replies, row.on_time = r["replies"], r["on_time"]
    return sorted(rows.values(), key=lambda f: (-f.registered, f.name))


def deputy_figures(deputy, year: int, *, today: dt.date) -> dict:
    """For the deputy's performance record (一人一档): the suggestions the deputy led that were
    registered in ``year`` with their figures, and how many others the deputy co-signed.

    One query: the lead deputy's suggestions and the co-signed ones are counted side by side
    (the record shows no reply-round figures, so replies are not read)."""
    from .choices import CosignStatus

    cosigned = Q(
        pk__in=Suggestion.objects.filter(
            cosignatures__deputy=deputy, cosignatures__status=CosignStatus.CONFIRMED
        ).values("pk")
    )
    led = Q(lead_deputy=deputy)
    registered = Q(number__isnull=False, year=year)
    counts = _figure_counts(today, led & registered)
    got = Suggestion.objects.filter(led | cosigned).aggregate(
        **counts,
        cosigned=Count("pk", filter=cosigned & registered),
        drafted=Count("pk", filter=led & Q(created_at__year=year)),
    )
    return {
        "figures": Figures(**{k: got[k] for k in counts}),
        "cosigned": got["cosigned"],
        "drafted": got["drafted"],
    }


def department_figures(department_ids, year: int, *, today: dt.date) -> dict[int, Figures]:
    """For the department league table: department id -> figures of the suggestions it led."""
    qs = registered_in(Suggestion.objects.filter(lead_department_id__in=list(department_ids)), year)
    return {f.key: f for f in figures(qs, by="department", today=today) if f.key is not None}


def suggestions_for_petitions(petition_ids) -> list[Suggestion]:
    """The submitted suggestions built on these opinions (for the constituent's tracking page):
    a draft is the deputy's own business until it is sent."""
    return list(
        Suggestion.objects.filter(petitions__in=list(petition_ids))
        .exclude(status=Status.DRAFT)
        .select_related("region")
        .order_by("pk")
        .distinct()
    )


def suggestion_list(qs: QuerySet, *, status: str = "", year: int | None = None, overdue=False,
                    today: dt.date | None = None) -> QuerySet:  # fmt: skip
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(Q(year=year) | Q(year__isnull=True, created_at__year=year))
    if overdue and today is not None:
        qs = qs.filter(status__in=UNDER_DEADLINE, deadline__lt=today)
    return qs.select_related("lead_deputy", "lead_department", "region", "category").order_by(
        "-created_at", "-pk"
    )


def suggestion_detail(qs: QuerySet) -> QuerySet:
    return qs.select_related(
        "lead_deputy", "lead_department", "region", "category"
    ).prefetch_related(
        "cosignatures__deputy",
        "assisting_departments",
        "petitions",
        "replies__department",
        "events__actor",
    )
