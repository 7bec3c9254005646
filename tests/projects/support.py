"""One call per registry action with sample input (tests of rights and of the machine)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from projects import services
from projects.choices import Choice, Rating

_phones = iter(range(10**6))


def do(action: str, user, c, world, **kw):
    """Run the service of registry action ``action`` as ``user`` on candidate ``c``."""
    today = timezone.localdate()
    a = {"actor": user, "candidate": c}
    if action == "screen":
        return services.candidate_screen(**a, recommendation="建议列入储备库。")
    if action == "reject":
        return services.candidate_reject(**a, reason="不属于民生实事范围。")
    if action == "start":
        return services.candidate_start(**a, lead_department=world.department,
                                        supervisors=[world.deputy_dave])  # fmt: skip
    if action == "milestone":
        return services.milestone_add(**a, title="完成设计", due_date=today + dt.timedelta(days=30))
    if action == "milestone_done":
        m = c.milestones.filter(done_on__isnull=True).first()
        if m is None:
            m = services.milestone_add(actor=world.user("clerk"), candidate=c, title="招标",
                                       due_date=today + dt.timedelta(days=9))  # fmt: skip
        return services.milestone_done(**a, milestone=m, done_on=today)
    if action == "report":
        return services.progress_report(**a, text="已完成主体施工。", percent=60)
    if action == "inspect":
        return services.inspection_record(**a, visited_on=today, opinion="进度偏慢，请加快。")
    if action == "complete":
        return services.candidate_complete(**a, completed_at=today, spent=100)
    if action == "rate":
        return services.deputy_rate(**a, rating=kw.get("rating", Rating.SATISFIED))
    if action == "survey":
        return services.survey_record(**a, phone=f"139{next(_phones):08d}",
                                      rating=kw.get("rating", Rating.BASIC))  # fmt: skip
    if action == "carry_over":
        return services.candidate_carry_over(**a, note="年内未完工，结转下年。")
    if action == "open_vote":
        return services.cycle_open_vote(actor=user, cycle=c.cycle)
    if action == "vote":
        marks = {x.pk: Choice.FOR for x in c.cycle.candidates.filter(status="on_ballot")}
        return services.ballot_cast(actor=user, cycle=c.cycle, marks=marks)
    if action == "close_vote":
        return services.cycle_close_vote(actor=user, cycle=c.cycle)
    raise AssertionError(action)
