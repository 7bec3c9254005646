"""Reads of livelihood projects that need aggregates: the tally, a cycle's report, figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Func, Q, Subquery, Sum

from .choices import Choice, RaterKind, Rating, Stage, Status
from .models import BallotMark, Candidate, Cycle, DeputyRating, Milestone, PublicRating

S = Status


@dataclass
class TallyRow:
    candidate: Candidate
    votes_for: int = 0
    against: int = 0
    abstain: int = 0
    chosen: bool = False
    tied: bool = False


@dataclass
class Tally:
    electorate: int
    threshold: int
    ballots: int
    rows: list[TallyRow] = field(default_factory=list)

    @property
    def chosen(self) -> list[Candidate]:
        return [r.candidate for r in self.rows if r.chosen]


def tally(cycle: Cycle) -> Tally:
    """Count the ballots. "Approve each": a project is chosen with more "for" votes than half of
    ALL deputies of the congress (abstentions and missing ballots count as not for). "Choose up
    to N": the N projects with the most votes, each still needing that majority; a tie at the
    last place chooses none of the tied (the clerk holds a new vote on them)."""
    candidates = list(
        cycle.candidates.filter(
            status__in=(
                S.ON_BALLOT,
                S.CHOSEN,
                S.NOT_CHOSEN,
                S.IN_PROGRESS,
                S.COMPLETED,
                S.CARRIED_OVER,
            )  # fmt: skip
        ).order_by("pk")
    )
    counts: dict[int, Counter] = {c.pk: Counter() for c in candidates}
    for pk, choice, n in (
        BallotMark.objects.filter(ballot__cycle=cycle, candidate_id__in=list(counts))
        .values_list("candidate_id", "choice")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[pk][choice] += n
    threshold = cycle.threshold()
    rows = [
        TallyRow(
            candidate=c,
            votes_for=counts[c.pk][Choice.FOR],
            against=counts[c.pk][Choice.AGAINST],
            abstain=counts[c.pk][Choice.ABSTAIN],
        )
        for c in candidates
    ]
    for r in rows:
        r.chosen = r.votes_for >= threshold
    if cycle.vote_rule == "choose_n" and cycle.choose_n:
        ranked = sorted((r for r in rows if r.chosen), key=lambda r: -r.votes_for)
        n = cycle.choose_n
        if len(ranked) > n:
            cut = ranked[n - 1].votes_for
            if ranked[n].votes_for == cut:  # a tie across the last place
                for r in ranked:
                    if r.votes_for == cut:
                        r.chosen, r.tied = False, True
            for r in ranked[n:]:
                r.chosen = False
    ballots = cycle.ballots.count()
    return Tally(electorate=cycle.electorate, threshold=threshold, ballots=ballots, rows=rows)


def published_tally(cycle: Cycle) -> Tally:
    """The result as published when the vote closed (stored counts on each candidate)."""
    rows = [
        TallyRow(
            candidate=c,
            votes_for=c.votes_for,
            against=c.votes_against,
            abstain=c.votes_abstain,
            chosen=c.status not in (S.NOT_CHOSEN, S.ON_BALLOT),
        )
        for c in cycle.candidates.exclude(status__in=(S.PROPOSED, S.RESERVE, S.REJECTED)).order_by(
            "-votes_for", "pk"
        )
    ]
    return Tally(
        electorate=cycle.electorate,
        threshold=cycle.threshold(),
        ballots=cycle.ballots.count(),
        rows=rows,
    )


@dataclass
class Report:
    candidates: int = 0
    reserve: int = 0
    on_ballot: int = 0
    chosen: int = 0
    completed: int = 0
    carried_over: int = 0
    milestones: int = 0
    milestones_due: int = 0
    milestones_on_time: int = 0
    milestones_overdue: int = 0
    estimated: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    ratings: dict = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        return self.milestones_on_time / self.milestones_due * 100 if self.milestones_due else None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.chosen * 100 if self.chosen else None

    def satisfaction(self, who: str) -> float | None:
        """Satisfied + basically satisfied among ``who``'s ratings ("deputies", "public")."""
        counts = self.ratings.get(who) or {}
        total = sum(counts.values())
        good = counts.get(Rating.SATISFIED, 0) + counts.get(Rating.BASIC, 0)
        return good / total * 100 if total else None

    @property
    def deputies_satisfaction(self) -> float | None:
        return self.satisfaction("deputies")

    @property
    def public_satisfaction(self) -> float | None:
        return self.satisfaction("public")


CHOSEN_STATES = (S.CHOSEN, S.IN_PROGRESS, S.COMPLETED, S.CARRIED_OVER)


def cycle_report(cycle: Cycle, today) -> Report:
    """Completion, on-time milestones, money and satisfaction of one cycle (a handful of
    grouped queries, whatever the number of projects)."""
    r = Report()
    by_status = dict(cycle.candidates.values_list("status").annotate(n=Count("pk")).order_by())
    r.candidates = sum(by_status.values())
    r.reserve = sum(
        by_status.get(s, 0) for s in (S.RESERVE, S.ON_BALLOT, *CHOSEN_STATES, S.NOT_CHOSEN)
    )
    r.on_ballot = sum(by_status.get(s, 0) for s in (S.ON_BALLOT, S.NOT_CHOSEN, *CHOSEN_STATES))
    r.chosen = sum(by_status.get(s, 0) for s in CHOSEN_STATES)
    r.completed = (
        by_status.get(S.COMPLETED, 0)
        + cycle.candidates.filter(status=S.CARRIED_OVER, completed_at__isnull=False).count()
    )
    r.carried_over = by_status.get(S.CARRIED_OVER, 0)
    money = cycle.candidates.filter(status__in=CHOSEN_STATES).aggregate(
        e=Sum("estimated_cost"), s=Sum("spent")
    )
    r.estimated, r.spent = money["e"] or Decimal(0), money["s"] or Decimal(0)
    ms = Milestone.objects.filter(candidate__cycle=cycle).aggregate(
        n=Count("pk"),
        due=Count("pk", filter=Q(due_date__lt=today) | Q(done_on__isnull=False)),
        on_time=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=F("due_date"))),
        overdue=Count("pk", filter=Q(done_on__isnull=True, due_date__lt=today)),
    )
    r.milestones, r.milestones_due = ms["n"], ms["due"]
    r.milestones_on_time, r.milestones_overdue = ms["on_time"], ms["overdue"]
    r.ratings = {
        "deputies": dict(
            DeputyRating.objects.filter(candidate__cycle=cycle)
            .values_list("rating").annotate(n=Count("pk")).order_by()
        ),
        "public": dict(
            PublicRating.objects.filter(candidate__cycle=cycle)
            .values_list("rating").annotate(n=Count("pk")).order_by()
        ),
    }  # fmt: skip
    return r


def project_ratings(candidate: Candidate) -> dict:
    """Counts per rating for one project: deputies, online constituents, surveys."""
    out: dict = {"deputies": Counter(), RaterKind.SMS: Counter(), RaterKind.SURVEY: Counter()}
    for rating, n in (
        candidate.deputy_ratings.values_list("rating").annotate(n=Count("pk")).order_by()
    ):
        out["deputies"][rating] = n
    for kind, rating, n in (
        candidate.public_ratings.values_list("kind", "rating").annotate(n=Count("pk")).order_by()
    ):
        out[kind][rating] = n
    return out


def projects_for_petitions(petition_ids) -> list[Candidate]:
    """The projects a case was linked to, for the constituent's tracking page (title and
    status only)."""
    return list(
        Candidate.objects.filter(petitions__in=list(petition_ids))
        .exclude(status=S.REJECTED)
        .only("pk", "title", "status")
        .distinct()
        .order_by("pk")
    )


def dashboard_rows(cycles, today) -> list[tuple[Cycle, Report]]:
    return [(c, cycle_report(c, today)) for c in cycles]


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


def deputy_record(deputy, year: int) -> dict:
    """Projects proposed, supervised and inspections recorded by a deputy in ``year`` (one
    query: the four counts side by side, for the performance record)."""
    from deputies.models import Deputy

    from .models import Inspection

    def n(qs) -> Subquery:
        return Subquery(qs.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))

    proposed = Candidate.objects.filter(proposer_deputy=deputy, cycle__year=year)
    return dict(
        Deputy.objects.filter(pk=deputy.pk)
        .annotate(
            proposed=n(proposed),
            chosen=n(proposed.filter(status__in=CHOSEN_STATES)),
            supervised=n(Candidate.objects.filter(supervisors=deputy, cycle__year=year)),
            inspections=n(Inspection.objects.filter(deputy=deputy, visited_on__year=year)),
        )
        .values("proposed", "chosen", "supervised", "inspections")
        .get()
    )


def department_figures(department_ids, year: int, today) -> dict[int, dict]:
    """Per lead department, the year's chosen projects: led, completed, milestones due, on time,
    overdue now (one grouped query for the whole table: projects joined to their milestones,
    projects counted distinct)."""
    out: dict[int, dict] = {
        pk: {"led": 0, "completed": 0, "due": 0, "on_time": 0, "overdue": 0}
        for pk in department_ids
    }
    m_done = Q(milestones__done_on__isnull=False)
    for pk, led, completed, due, on_time, overdue in (
        Candidate.objects.filter(
            lead_department_id__in=list(out), cycle__year=year, status__in=CHOSEN_STATES
        )
        .values_list("lead_department_id")
        .annotate(
            n=Count("pk", distinct=True),
            done=Count("pk", filter=Q(status=S.COMPLETED), distinct=True),
            n_due=Count("milestones", filter=Q(milestones__due_date__lt=today) | m_done),
            n_on_time=Count(
                "milestones", filter=m_done & Q(milestones__done_on__lte=F("milestones__due_date"))
            ),
            n_overdue=Count(
                "milestones",
                filter=Q(milestones__done_on__isnull=True, milestones__due_date__lt=today),
            ),
        )
        .order_by()
    ):
        out[pk].update(led=led, completed=completed, due=due, on_time=on_time, overdue=overdue)
    for f in out.values():
        f["on_time_rate"] = f["on_time"] / f["due"] * 100 if f["due"] else None
    return out
