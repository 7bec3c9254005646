"""Suggestions in a given status, walked there through the real services (so events exist).

The lead deputy is 戴伟 (station A, district X = 南湖区); the clerk is bob ("clerk", district X);
from "handling" on the lead department is world.department (handler erin, "handler").
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from suggestions import services
from suggestions.choices import Classification, Evaluation, Level, Session, Status
from suggestions.models import Suggestion
from tests.petitions.factories import category

# (status to reach, the step that reaches it)
PATH = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.REGISTERED,
    Status.HANDLING,
    Status.REPLIED,
    Status.FOLLOWING,
    Status.CLOSED,
]


def draft(world, **kw) -> Suggestion:
    data = dict(
        actor=world.user("deputy"),
        title="关于加快老旧小区加装电梯的建议",
        reasons="老旧小区六层无电梯，老人上下楼困难。",
        proposals="一、简化审批；二、财政补贴；三、统筹管线迁改。",
        category=category(),
        session=Session.INTERIM,
        level=Level.DISTRICT,
    )
    data.update(kw)
    return services.suggestion_draft(**data)


def make_suggestion(
    world,
    status: str = Status.HANDLING,
    *,
    classification: str = Classification.B,
    evaluation: str = Evaluation.SATISFIED,
    side: str = "x",
    **kw,
) -> Suggestion:
    """A suggestion taken to ``status``. Replies are of ``classification``; "following" needs B.
    "closed" goes through "following" for B, straight after the evaluation otherwise.
    ``side="y"`` is 裴佳's suggestion in district Y (clerk mallory, 秀洲区交通局, handler trent)."""
    names = ("deputy", "clerk", "handler") if side == "x" else (
        "other_deputy", "other_clerk", "other_handler")  # fmt: skip
    deputy, clerk, handler = (world.user(n) for n in names)
    department = world.department if side == "x" else world.other_department
    s = draft(world, actor=deputy, **kw)
    if status == Status.DRAFT:
        return s
    s = services.suggestion_submit(actor=deputy, suggestion=s)
    if status == Status.SUBMITTED:
        return s
    if status == Status.DECLINED:
        return services.suggestion_decline(actor=clerk, suggestion=s, reason="不属于建议范围")
    s = services.suggestion_register(actor=clerk, suggestion=s)
    if status == Status.REGISTERED:
        return s
    s = services.suggestion_assign(actor=clerk, suggestion=s, lead_department=department)
    if status == Status.HANDLING:
        return s
    follow = timezone.localdate() + dt.timedelta(days=90)
    services.suggestion_reply(
        actor=handler,
        suggestion=s,
        classification=classification,
        body="经研究，答复如下……",
        follow_up_date=follow if classification == Classification.B else None,
    )
    s.refresh_from_db()
    if status == Status.REPLIED:
        return s
    comment = "未解决实际问题" if evaluation == Evaluation.UNSATISFIED else ""
    s = services.suggestion_evaluate(
        actor=deputy, suggestion=s, evaluation=evaluation, comment=comment
    )
    if status == Status.FOLLOWING or s.status != Status.FOLLOWING:
        return s
    return services.suggestion_fulfil(actor=handler, suggestion=s, note="已完成加装")
