"""Reads for the staff, deputy and department pages (scoped, joined, constant query count)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from core.codes import normalize_code
from core.roles import roles_of

from .choices import UNDER_DEADLINE, RaterKind, Status
from .models import Attachment, Category, Petition, PetitionEvent, Rating, Reception, Reply
from .todo.tiles import waiting_q

LIST_RELATED = ("station", "deputy", "lead_department", "category", "supervision")


def _local_day_range(start: dt.date | None, end: dt.date | None) -> tuple:
    """Inclusive local dates as a half-open range of aware datetimes (Asia/Shanghai days)."""
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz) if start else None
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if end else None
    return lo, hi


def _in_days(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    lo, hi = _local_day_range(start, end)
    q = Q()
    if lo is not None:
        q &= Q(**{f"{field}__gte": lo})
    if hi is not None:
        q &= Q(**{f"{field}__lt": hi})
    return q


# Statuses that do not count as "accepted" on the dashboard (reports/rollups.py NOT_ACCEPTED).
NOT_ACCEPTED = (Status.SUBMITTED, Status.DECLINED, Status.MERGED)


def petition_list(user, filters: dict | None = None, *, today: dt.date) -> QuerySet[Petition]:
    """The petitions a user may see, filtered by the list page's form.

    The drill-down parameters mean what the dashboard figures mean (reports/rollups.py):
    ``submitted_from``/``submitted_to`` are local (Asia/Shanghai) days, inclusive;
    ``station`` is that station only (a figure of a station counts its own cases, not those of
    its rooms and points); ``region`` is its whole subtree; ``department`` is the lead
    department (as in the department table), widened to assisting ones with ``assisting``.
    """
    qs = Petition.objects.visible_to(user).select_related(*LIST_RELATED)
    f = filters or {}
    if f.get("status"):
        qs = qs.filter(status=f["status"])
    if f.get("category"):
        qs = qs.filter(category=f["category"])
    if f.get("deputy"):
        qs = qs.filter(deputy=f["deputy"])
    if f.get("station"):
        qs = qs.filter(station=f["station"])
    if f.get("region"):
        qs = qs.filter(station__region__path__startswith=f["region"].path)
    if f.get("department"):
        dept = f["department"]
        q = Q(lead_department=dept)
        if f.get("assisting"):
            q |= Q(
                pk__in=Petition.assisting_departments.through.objects.filter(
                    department=dept
                ).values("petition_id")
            )
        qs = qs.filter(q)
    if f.get("tier"):
        qs = qs.filter(tier="" if f["tier"] == "none" else f["tier"])
    if f.get("satisfaction"):
        qs = qs.filter(satisfaction=f["satisfaction"])
    if f.get("submitted_from") or f.get("submitted_to"):
        qs = qs.filter(_in_days("submitted_at", f.get("submitted_from"), f.get("submitted_to")))
    if f.get("assigned_from") or f.get("assigned_to"):
        qs = qs.filter(_in_days("assigned_at", f.get("assigned_from"), f.get("assigned_to")))
    if f.get("accepted"):
        qs = qs.exclude(status__in=NOT_ACCEPTED)
    if f.get("assigned"):
        qs = qs.filter(assigned_at__isnull=False)
    if f.get("replied"):
        # A department's reply: a case settled on the spot has a reply but was never assigned.
        qs = qs.filter(replied_at__isnull=False, assigned_at__isnull=False)
    if f.get("reopened"):
        qs = qs.filter(reopen_count__gt=0)
    if f.get("overdue"):
        qs = qs.overdue(today)
    if f.get("waiting"):
        qs = qs.filter(waiting_q(f["waiting"], user, today))
    text = (f.get("q") or "").strip()
    if text:
        code = normalize_code(text)
        qs = qs.filter(
            Q(tracking_code=code)
            | Q(constituent_name__icontains=text)
            | Q(title__icontains=text)
            | Q(content__icontains=text)
        )
    return qs.order_by("-submitted_at", "-pk")


def deputy_petitions(user) -> QuerySet[Petition]:
    """Cases a deputy received (their own) — submitted ones first."""
    roles = roles_of(user)
    if roles.deputy_id is None:
        # filter(deputy_id=None) would list the cases that have no deputy.
        return Petition.objects.none()
    return (
        Petition.objects.filter(deputy_id=roles.deputy_id)
        .select_related(*LIST_RELATED)
        .order_by("-submitted_at", "-pk")
    )


def department_cases(user) -> QuerySet[Petition]:
    """Cases where one of the handler's departments is lead or assisting, soonest deadline first."""
    ids = roles_of(user).handler_department_ids
    assisting = Petition.assisting_departments.through.objects.filter(department_id__in=ids).values(
        "petition_id"
    )
    return (
        Petition.objects.filter(Q(lead_department_id__in=ids) | Q(pk__in=assisting))
        .select_related(*LIST_RELATED)
        .order_by(
            # Open cases under a deadline first, then the rest.
            "deadline",
            "-submitted_at",
        )
    )


def department_case_groups(user) -> tuple[QuerySet[Petition], QuerySet[Petition]]:
    cases = department_cases(user)
    return cases.filter(status__in=UNDER_DEADLINE), cases.exclude(status__in=UNDER_DEADLINE)


def reception_list(user) -> QuerySet[Reception]:
    return (
        Reception.objects.visible_to(user)
        .select_related("station")
        .annotate(petition_count=Count("petitions", distinct=True))
        .order_by("-held_at", "-pk")
    )


def reception_petitions(reception: Reception) -> QuerySet[Petition]:
    return reception.petitions.select_related("deputy", "category").order_by("-submitted_at", "-pk")


def openable_ids(user, petitions: Iterable[Petition]) -> set[int]:
    """The ids among ``petitions`` the user may open (``Petition.objects.visible_to``), in one
    query. A page listing cases the user did not fetch through that rule (a reception's
    opinions, a meeting's items, the cases linked to a suggestion) shows the tracking code and
    the link only for these: the code is the constituent's key to the public progress page."""
    pks = [p.pk for p in petitions]
    if not pks:
        return set()
    return set(Petition.objects.visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))


def petition_detail(petition_qs: QuerySet[Petition]) -> QuerySet[Petition]:
    """Everything the detail page shows, in a fixed number of queries."""
    return petition_qs.select_related(
        "station__region",
        "deputy",
        "lead_department",
        "category",
        "reception__station",  # the reception's name is its station and day
        "merged_into",
        "supervision",
    ).prefetch_related(
        "assisting_departments",
        Prefetch("events", queryset=PetitionEvent.objects.select_related("actor")),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("department", "created_by").prefetch_related(
                "attachments"
            ),
        ),
        Prefetch("attachments", queryset=Attachment.objects.filter(reply__isnull=True)),
        "ratings",
        "extensions",
    )


# The case page's forms list the categories; they change a few times a year in the admin.
CATEGORIES_TTL = 60.0  # seconds: another process shows an edited list within a minute
_categories: tuple[float, list[Category]] = (0.0, [])


def active_categories() -> list[Category]:
    """The active categories, memoised briefly per process (and forgotten in this process when
    one is saved). Choices only: a submitted value is still checked against the table."""
    global _categories
    at, rows = _categories
    if time.monotonic() - at > CATEGORIES_TTL:
        rows = list(Category.objects.filter(is_active=True))
        _categories = (time.monotonic(), rows)
    return rows


def forget_categories(**_kwargs) -> None:
    global _categories
    _categories = (0.0, [])


EARLIER_CASES_SHOWN = 5


def earlier_cases_by_phone(user, phone: str) -> list[Petition]:
    """The latest cases the user may see that were registered with ``phone``."""
    if not phone:
        return []
    return list(
        Petition.objects.visible_to(user)
        .filter(phone=phone)
        .select_related("station")
        .order_by("-submitted_at", "-pk")[:EARLIER_CASES_SHOWN]
    )


def reopen_reason(petition: Petition) -> dict | None:
    """For a reopened case: the constituent's unsatisfied rating that reopened it and the lead
    department's reply it was about (from the detail page's prefetched rows)."""
    if not petition.reopen_count:
        return None
    previous = petition.reopen_count - 1
    rating = next(
        (
            r
            for r in petition.ratings.all()
            if r.rater == RaterKind.CONSTITUENT and r.round == previous
        ),
        None,
    )
    reply = None
    for r in petition.replies.all():
        if r.is_lead and r.round == previous:
            reply = r
    return {"rating": rating, "reply": reply, "round": petition.reopen_count}


def reply_outcomes(department_ids, lo, hi) -> dict[int, dict[str, int]]:
    """{department id: {outcome: replies}}: the lead replies each department gave on the cases
    assigned to it in [lo, hi) (every round counts: a reply after a reopening is a reply)."""
    out: dict[int, dict[str, int]] = {}
    rows = (
        Reply.objects.filter(
            is_lead=True,
            department_id__in=list(department_ids),
            petition__lead_department_id=F("department_id"),
            petition__assigned_at__gte=lo,
            petition__assigned_at__lt=hi,
        )
        .exclude(outcome="")
        .values_list("department_id", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    for department_id, outcome, n in rows:
        out.setdefault(department_id, {})[outcome] = n
    return out


def closed_on_staff_rating() -> Q:
    """A case closed on a rating that staff recorded after a phone call or visit (counted apart
    from ratings given online); a condition for an aggregate over cases."""
    staff_rating = Rating.objects.filter(
        petition=OuterRef("pk"),
        rater=RaterKind.CONSTITUENT,
        recorded_by__isnull=False,
        round=OuterRef("reopen_count"),
    )
    return Q(status=Status.CLOSED) & Q(Exists(staff_rating))
