"""Call each registry action's service with valid input, for the transition and property tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from suggestions import services
from suggestions.choices import Classification, Evaluation


def later(days: int = 60) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def do(name: str, actor, s, world, *, classification=Classification.A, evaluation=None):
    """Run the service of registry action ``name`` with valid data."""
    sv = services
    if name == "submit":
        return sv.suggestion_submit(actor=actor, suggestion=s)
    if name == "cosign":
        return sv.suggestion_cosign(actor=actor, suggestion=s, confirm=True)
    if name == "edit":
        return sv.suggestion_edit(
            actor=actor,
            suggestion=s,
            title=s.title + "（修改）",
            reasons=s.reasons,
            proposals=s.proposals,
            category=s.category,
            session=s.session,
            level=s.level,
        )
    if name == "register":
        return sv.suggestion_register(actor=actor, suggestion=s)
    if name == "decline":
        return sv.suggestion_decline(actor=actor, suggestion=s, reason="不属于建议范围")
    if name == "assign":
        return sv.suggestion_assign(actor=actor, suggestion=s, lead_department=world.department)
    if name == "reply":
        return sv.suggestion_reply(
            actor=actor,
            suggestion=s,
            classification=classification,
            body="答复如下……",
            follow_up_date=later() if classification == Classification.B else None,
        )
    if name == "evaluate":
        return sv.suggestion_evaluate(
            actor=actor,
            suggestion=s,
            evaluation=evaluation or Evaluation.SATISFIED,
            comment="答复未回应核心问题" if evaluation == Evaluation.UNSATISFIED else "",
        )
    if name == "follow_up":
        return sv.suggestion_follow_up(
            actor=actor, suggestion=s, progress="已完成设计招标", follow_up_date=later(30)
        )
    if name == "fulfil":
        return sv.suggestion_fulfil(actor=actor, suggestion=s, note="已建成投用")
    raise AssertionError(f"no service call for {name}")
