"""The formal suggestion's state machine, declared once (services, views, menus and tests
read these rows).

The path a suggestion takes, from the seeds and the national rules for handling deputies'
suggestions:

    draft ─submit→ submitted ─register→ registered ─assign→ handling ─reply→ replied
                        └decline→ declined (final)                          │
                  evaluate: unsatisfied → handling again with a new limit ←─┤
                            ("对办理情况满意度低的,将重新办理", seed 003)       │
                  evaluate: satisfied/basic, class B → following ─fulfil→ closed
                  evaluate: satisfied/basic, class A or C → closed

A class-B reply ("列入计划逐步解决") promises something later: the suggestion stays open,
with a follow-up date, until the department records the delivery (兑现; "政府答复的兑现率
达到100%", seed 003).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.machine import Action, Registry

from . import rights
from .choices import Status

S = Status
FORMS = "suggestions.forms"

# The main path in order; ``declined`` leaves it from ``submitted``. Used by the property test
# that no action skips a state.
PATH = (S.DRAFT, S.SUBMITTED, S.REGISTERED, S.HANDLING, S.REPLIED, S.FOLLOWING, S.CLOSED)

REGISTRY: Registry = Registry(
    [
        Action(
            "submit",
            _("Submit to the standing committee"),
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            may=rights.is_lead_deputy,
            form=f"{FORMS}.SubmitForm",
            order=10,
        ),
        Action(
            "cosign",
            _("Answer the invitation to co-sign"),
            frozenset({S.DRAFT}),
            None,
            may=rights.is_invited_cosigner,
            form=f"{FORMS}.CosignForm",
            order=5,
        ),
        Action(
            "edit",
            _("Edit the draft"),
            frozenset({S.DRAFT}),
            None,
            may=rights.is_lead_deputy,
            url_name="suggestions:edit",  # a page of its own, not an inline form
            order=15,
        ),
        Action(
            "register",
            _("Register with a number"),
            frozenset({S.SUBMITTED}),
            S.REGISTERED,
            may=rights.is_covering_clerk,
            form=f"{FORMS}.RegisterForm",
            order=20,
        ),
        Action(
            "decline",
            _("Decline to register"),
            frozenset({S.SUBMITTED}),
            S.DECLINED,
            may=rights.is_covering_clerk,
            form=f"{FORMS}.DeclineForm",
            order=90,
        ),
        Action(
            "assign",
            _("Assign to departments"),
            frozenset({S.REGISTERED}),
            S.HANDLING,
            may=rights.is_covering_clerk,
            form=f"{FORMS}.AssignForm",
            order=30,
        ),
        Action(
            "reply",
            _("Reply"),
            frozenset({S.HANDLING}),
            S.REPLIED,
            may=rights.is_lead_handler,
            form=f"{FORMS}.ReplyForm",
            order=40,
        ),
        Action(
            "evaluate",
            _("Evaluate the reply"),
            frozenset({S.REPLIED}),
            S.CLOSED,
            may=rights.is_lead_deputy,
            form=f"{FORMS}.EvaluateForm",
            order=50,
            target_rule=(
                "unsatisfied → handling (handled again with a new limit); satisfied or basically "
                "satisfied → following for a class-B reply, closed for A or C"
            ),
            alt_targets=frozenset({S.FOLLOWING, S.HANDLING}),
        ),
        Action(
            "follow_up",
            _("Record progress of the plan"),
            frozenset({S.FOLLOWING}),
            None,
            may=rights.is_lead_handler,
            form=f"{FORMS}.FollowUpForm",
            order=65,
        ),
        Action(
            "fulfil",
            _("Record the delivery (fulfilled)"),
            frozenset({S.FOLLOWING}),
            S.CLOSED,
            may=rights.is_lead_handler_or_clerk,
            form=f"{FORMS}.FulfilForm",
            order=60,
        ),
        # The supervision sweep (suggestions/tasks.py): 催办 → 督办 → 挂牌督办, nobody is offered it.
        Action("escalate", _("Escalate"), frozenset({S.HANDLING}), None, order=100),
    ]
)
