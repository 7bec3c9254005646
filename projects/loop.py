"""The livelihood project's state machine, declared once (services, views, menus and tests read
these rows), and the cycle's own small machine.

征 → 选 → 督 → 评 ("代表点题-人大定题-政府解题-群众评议", seed 003):

    proposed ─screen→ reserve ─(vote opens)→ on_ballot ─(vote closes)→ chosen ─start→ in_progress
        └reject→ rejected                        └→ not_chosen                        │
                                                         completed ←complete──────────┤
                                   carried_over ←carry_over── (unsatisfied or unfinished)

"列入政府民生实事项目表决储备库" (seed 000): the clerk screens a candidate into the reserve list
with a recommendation, or turns it down with a reason. Opening the vote puts the whole reserve
on the ballot; closing it computes the tally and moves each to chosen or not chosen.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.machine import Action, Registry

from . import rights
from .choices import Stage, Status

S = Status
FORMS = "projects.forms"

# The main path in order; SIDE lists the declared exits from it. Used by the property test
# that no action skips a state.
PATH = (S.PROPOSED, S.RESERVE, S.ON_BALLOT, S.CHOSEN, S.IN_PROGRESS, S.COMPLETED, S.CARRIED_OVER)
SIDE = frozenset(
    {
        (S.PROPOSED, S.REJECTED),
        (S.ON_BALLOT, S.NOT_CHOSEN),
        (S.IN_PROGRESS, S.CARRIED_OVER),  # unfinished at year end
    }
)
ONGOING = frozenset({S.IN_PROGRESS, S.COMPLETED})

REGISTRY: Registry = Registry(
    [
        Action(
            "screen",
            _("Take into the reserve list"),
            frozenset({S.PROPOSED}),
            S.RESERVE,
            may=rights.clerk_of,
            form=f"{FORMS}.ScreenForm",
            order=10,
        ),
        Action(
            "reject",
            _("Do not take it"),
            frozenset({S.PROPOSED}),
            S.REJECTED,
            may=rights.clerk_of,
            form=f"{FORMS}.RejectForm",
            order=90,
        ),
        # Opening and closing the vote move the candidates (services.cycle_open_vote and
        # cycle_close_vote); nobody is offered these on a candidate.
        Action("ballot", _("Put on the ballot"), frozenset({S.RESERVE}), S.ON_BALLOT, order=20),
        Action("choose", _("Chosen by the vote"), frozenset({S.ON_BALLOT}), S.CHOSEN, order=21),
        Action(
            "not_choose",
            _("Not chosen by the vote"),
            frozenset({S.ON_BALLOT}),
            S.NOT_CHOSEN,
            order=22,
        ),  # fmt: skip
        Action(
            "start",
            _("Assign and start"),
            frozenset({S.CHOSEN}),
            S.IN_PROGRESS,
            may=rights.clerk_of,
            form=f"{FORMS}.StartForm",
            order=30,
        ),
        Action(
            "milestone",
            _("Add a milestone"),
            frozenset({S.IN_PROGRESS}),
            None,
            may=rights.lead_handler_or_clerk,
            form=f"{FORMS}.MilestoneForm",
            order=35,
        ),
        Action(
            "milestone_done",
            _("Record a milestone as done"),
            frozenset({S.IN_PROGRESS}),
            None,
            may=rights.lead_handler_or_clerk,
            form=f"{FORMS}.MilestoneDoneForm",
            order=36,
            offer_if=lambda c: c.milestones.filter(done_on__isnull=True).exists(),
        ),
        Action(
            "report",
            _("Report progress"),
            frozenset({S.IN_PROGRESS}),
            None,
            may=rights.lead_handler,
            form=f"{FORMS}.ProgressForm",
            order=40,
        ),
        Action(
            "inspect",
            _("Record an inspection"),
            ONGOING,
            None,
            may=rights.supervising_deputy,
            form=f"{FORMS}.InspectionForm",
            order=45,
        ),
        Action(
            "complete",
            _("Record as completed"),
            frozenset({S.IN_PROGRESS}),
            S.COMPLETED,
            may=rights.lead_handler_or_clerk,
            form=f"{FORMS}.CompleteForm",
            order=50,
        ),
        Action(
            "rate",
            _("Rate the project (deputy)"),
            ONGOING,
            None,
            may=rights.congress_deputy,
            form=f"{FORMS}.DeputyRateForm",
            order=60,
        ),
        Action(
            "survey",
            _("Record a constituent survey"),
            ONGOING,
            None,
            may=rights.clerk_of,
            form=f"{FORMS}.SurveyForm",
            order=65,
        ),
        Action(
            "carry_over",
            _("Carry over to next year"),
            ONGOING,
            S.CARRIED_OVER,
            may=rights.clerk_of,
            form=f"{FORMS}.CarryOverForm",
            order=80,
        ),
        Action(
            "public_rate",
            _("Rate the project"),
            ONGOING,
            None,
            may=lambda user, c: True,
            public=True,
            order=70,
        ),
    ]
)

# The cycle: collecting → voting → implementing → evaluated.
CYCLE: Registry = Registry(
    [
        Action(
            "open_vote",
            _("Open the vote"),
            frozenset({Stage.COLLECTING}),
            Stage.VOTING,
            may=lambda user, cycle: rights.manages_cycle(user, cycle),
            order=10,
        ),
        Action(
            "close_vote",
            _("Close the vote and publish the result"),
            frozenset({Stage.VOTING}),
            Stage.IMPLEMENTING,
            may=lambda user, cycle: rights.manages_cycle(user, cycle),
            order=20,
        ),
        Action(
            "finish",
            _("Close the year (evaluation done)"),
            frozenset({Stage.IMPLEMENTING}),
            Stage.EVALUATED,
            may=lambda user, cycle: rights.manages_cycle(user, cycle),
            order=30,
        ),
    ],
    state_attr="stage",
)
