"""Demo rows for the working-day features: notification choices, routing rules, canned replies.

Idempotent: what exists is left alone.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import NotificationPreference
from deputies.models import Deputy

from ..models import CannedReply, Category, Reply, RoutingRight, RoutingRule


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


@transaction.atomic
def load(stdout=None) -> None:
    User = get_user_model()
    handler = User.objects.filter(username="handler").first()
    if handler is not None:
        # The demo handler reads case notices in the bell and gets one email a day.
        NotificationPreference.objects.get_or_create(
            user=handler, kind="cases", defaults={"in_app": True, "email": True, "sms": False}
        )
        if not handler.daily_digest:
            handler.daily_digest = True
            handler.save(update_fields=["daily_digest"])
    if handler is not None:
        _canned_replies(handler)
        _routing(handler)
    _say(stdout, "Working-day demo: notification choices, canned replies, reply outcomes.\n")


CANNED = (
    ("已解决", "您反映的问题已安排专人现场处理完毕，感谢您的监督。", "solved"),
    ("列入计划", "您反映的问题已列入明年的改造计划，我们将按计划分批实施。", "planned"),
    ("解释说明", "经核实，该事项暂不具备实施条件，原因如下：", "explained"),
)
# Demo replies written before outcomes existed get one, so the department table shows them.
OUTCOME_CYCLE = ("solved", "solved", "partly", "explained", "planned")


def _canned_replies(handler) -> None:
    for department_id in handler.handler_posts.values_list("department_id", flat=True):
        for title, body, outcome in CANNED:
            CannedReply.objects.get_or_create(
                department_id=department_id,
                title=title,
                defaults={"body": body, "outcome": outcome, "created_by": handler},
            )
    pks = list(
        Reply.objects.filter(is_lead=True, outcome="").order_by("pk").values_list("pk", flat=True)
    )
    for i, outcome in enumerate(OUTCOME_CYCLE):
        Reply.objects.filter(pk__in=pks[i :: len(OUTCOME_CYCLE)]).update(outcome=outcome)


def _routing(handler) -> None:
    """A rule per category for the demo handler's district, a keyword rule, and 戴伟 may hand
    cases straight to the routed department."""
    post = handler.handler_posts.select_related("department__region").first()
    if post is None:
        return
    department = post.department
    for i, cat in enumerate(Category.objects.filter(is_active=True).order_by("order", "name")):
        RoutingRule.objects.get_or_create(
            region=department.region,
            category=cat,
            keyword="",
            defaults={"lead_department": department, "reply_days": 15 if i % 2 else 10},
        )
    first = Category.objects.filter(is_active=True).order_by("order", "name").first()
    if first is not None:
        RoutingRule.objects.get_or_create(
            region=department.region,
            category=first,
            keyword="电梯",
            defaults={"lead_department": department, "reply_days": 20},
        )
    dai = Deputy.objects.filter(name="戴伟").first()
    if dai is not None:
        RoutingRight.objects.get_or_create(deputy=dai)
