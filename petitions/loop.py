"""The closed loop's actions, one row each: where an action may start, where it leads, who may
take it, its form, URL and place in the case page's menu.

Services open every step with ``begin(name, …)`` (lock, version, move, right, all from the row);
the case page offers ``LOOP.available(user, petition)``; the tests iterate the rows. Adding a
step is one row here plus one service function in petitions/services.py.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.machine import Action, Registry

from . import rights
from .choices import ExtensionStatus, RaterKind, Tier
from .choices import Status as S
from .errors import IllegalTransition
from .models import Petition, Rating


def _prefetched(petition: Petition, name: str) -> list | None:
    """The case page's prefetched rows of ``name``; None for a row read without them (a
    service's locked re-read asks the database)."""
    cache = getattr(petition, "_prefetched_objects_cache", {})
    return list(cache[name]) if name in cache else None


def _extension_pending(petition: Petition) -> bool:
    rows = _prefetched(petition, "extensions")
    if rows is not None:
        return any(e.status == ExtensionStatus.PENDING for e in rows)
    return petition.extensions.filter(status=ExtensionStatus.PENDING).exists()


def _no_extension_pending(petition: Petition) -> bool:
    return not _extension_pending(petition)


def _community_tier(petition: Petition) -> bool:
    return petition.tier == Tier.COMMUNITY


def _rated_this_round(petition: Petition, rater: str) -> bool:
    rows = _prefetched(petition, "ratings")
    if rows is not None:
        return any(r.rater == rater and r.round == petition.reopen_count for r in rows)
    return Rating.objects.filter(
        petition=petition, rater=rater, round=petition.reopen_count
    ).exists()


def _deputy_not_rated(petition: Petition) -> bool:
    return not _rated_this_round(petition, RaterKind.DEPUTY)


def constituent_not_rated(petition: Petition) -> bool:
    return not _rated_this_round(petition, RaterKind.CONSTITUENT)


# What a rating decides, for both ways a constituent's rating arrives.
RATING_RULE = (
    "satisfied or basically satisfied closes the case; unsatisfied reopens it: to handling "
    "with a new deadline, or to triaged when the station settled it on the spot (no department)"
)
_FORMS = "petitions.forms."
_SERVICES = "petitions.services."

LOOP: Registry[Petition] = Registry(
    [
        # The step that moves the case forward opens first; turning it back or away comes last.
        Action(
            "accept",
            _("Accept"),
            frozenset({S.SUBMITTED}),
            S.ACCEPTED,
            may=rights.is_staff_or_deputy,
            form=_FORMS + "AcceptForm",
            url_name="petitions:accept",
            path="accept/",
            service=_SERVICES + "petition_accept",
            order=10,
        ),
        Action(
            "triage",
            _("Triage"),
            frozenset({S.ACCEPTED, S.TRIAGED}),
            S.TRIAGED,
            may=rights.is_station_staff,
            form=_FORMS + "TriageForm",
            url_name="petitions:triage",
            path="triage/",
            service=_SERVICES + "petition_triage",
            order=20,
        ),
        Action(
            "assign",
            _("Assign"),
            frozenset({S.TRIAGED}),
            S.ASSIGNED,
            may=rights.is_station_staff,
            form=_FORMS + "AssignForm",
            url_name="petitions:assign",
            path="assign/",
            service=_SERVICES + "petition_assign",
            order=30,
        ),
        # A deputy with the right hands the case straight to the department its routing
        # rule names (accepting and triaging it on the way); petitions/routing.
        Action(
            "route",
            _("Hand to the routed department"),
            frozenset({S.SUBMITTED, S.ACCEPTED, S.TRIAGED}),
            S.ASSIGNED,
            may=rights.may_route_directly,
            form=_FORMS + "RouteForm",
            url_name="petitions:route",
            path="route/",
            service=_SERVICES + "petition_route",
            order=35,
        ),
        Action(
            "receive",
            _("Sign for the case"),
            frozenset({S.ASSIGNED}),
            S.HANDLING,
            may=rights.is_lead_handler,
            form=_FORMS + "ReceiveForm",
            url_name="petitions:receive",
            path="receive/",
            service=_SERVICES + "petition_receive",
            order=40,
        ),
        Action(
            "reply",
            _("Reply"),
            frozenset({S.HANDLING}),
            S.REPLIED,
            may=rights.is_lead_handler,
            form=_FORMS + "ReplyForm",
            url_name="petitions:reply",
            path="reply/",
            service=_SERVICES + "petition_reply",
            order=50,
        ),
        Action(
            "resolve_on_spot",
            _("Resolve on the spot"),
            frozenset({S.TRIAGED}),
            S.REPLIED,
            may=rights.is_station_staff,
            form=_FORMS + "ResolveForm",
            url_name="petitions:resolve",
            path="resolve/",
            service=_SERVICES + "petition_resolve_on_spot",
            order=60,
            offer_if=_community_tier,
        ),
        Action(
            "feedback",
            _("Give feedback"),
            frozenset({S.REPLIED}),
            S.FEEDBACK_GIVEN,
            may=rights.is_staff_or_deputy,
            form=_FORMS + "FeedbackForm",
            url_name="petitions:feedback",
            path="feedback/",
            service=_SERVICES + "petition_give_feedback",
            order=70,
        ),
        # Staff record a rating the constituent gave by phone or at a visit (for people who
        # cannot rate online, anonymous submitters included).
        Action(
            "record_rating",
            _("Record the constituent's rating"),
            frozenset({S.FEEDBACK_GIVEN}),
            S.CLOSED,
            may=rights.is_station_staff,
            form=_FORMS + "RecordRatingForm",
            url_name="petitions:record_rating",
            path="rating/",
            service=_SERVICES + "petition_record_rating",
            order=75,
            offer_if=constituent_not_rated,
            target_rule=RATING_RULE,
            alt_targets=frozenset({S.HANDLING, S.TRIAGED}),
        ),
        # The deputy's rating is recorded next to the constituent's and never moves the case.
        Action(
            "rate_deputy",
            _("Deputy's rating"),
            frozenset({S.REPLIED, S.FEEDBACK_GIVEN, S.CLOSED}),
            None,
            may=rights.is_petition_deputy,
            form=_FORMS + "RateDeputyForm",
            url_name="petitions:rate_deputy",
            path="rate/",
            service=_SERVICES + "petition_rate_deputy",
            order=80,
            offer_if=_deputy_not_rated,
        ),
        Action(
            "opinion",
            _("Add an opinion"),
            frozenset({S.ASSIGNED, S.HANDLING, S.REPLIED}),
            None,
            may=rights.is_assisting_handler,
            form=_FORMS + "OpinionForm",
            url_name="petitions:opinion",
            path="opinion/",
            service=_SERVICES + "reply_add_opinion",
            order=90,
        ),
        Action(
            "extension_decide",
            _("Decide on the extension"),
            frozenset({S.ASSIGNED, S.HANDLING}),
            None,
            may=rights.is_station_staff,
            form=_FORMS + "ExtensionDecideForm",
            url_name="petitions:extension_decide",
            path="extension/decide/",
            service=_SERVICES + "extension_decide",
            order=100,
            offer_if=_extension_pending,
        ),
        Action(
            "extension_request",
            _("Ask for an extension"),
            frozenset({S.ASSIGNED, S.HANDLING}),
            None,
            may=rights.is_lead_handler,
            form=_FORMS + "ExtensionRequestForm",
            url_name="petitions:extension_request",
            path="extension/",
            service=_SERVICES + "extension_request",
            order=110,
            offer_if=_no_extension_pending,
        ),
        Action(
            "merge",
            _("Merge into another case"),
            frozenset({S.SUBMITTED, S.ACCEPTED, S.TRIAGED}),
            S.MERGED,
            may=rights.is_staff_or_deputy,
            form=_FORMS + "MergeForm",
            url_name="petitions:merge",
            path="merge/",
            service=_SERVICES + "petition_merge",
            order=120,
        ),
        Action(
            "decline",
            _("Decline"),
            frozenset({S.SUBMITTED, S.ACCEPTED, S.TRIAGED}),
            S.DECLINED,
            may=rights.is_staff_or_deputy,
            form=_FORMS + "DeclineForm",
            url_name="petitions:decline",
            path="decline/",
            service=_SERVICES + "petition_decline",
            order=130,
        ),
        Action(
            "return",
            _("Return the case"),
            frozenset({S.ASSIGNED, S.HANDLING}),
            S.TRIAGED,
            may=rights.is_lead_handler,
            form=_FORMS + "ReturnForm",
            url_name="petitions:return",
            path="return/",
            service=_SERVICES + "petition_return",
            order=140,
        ),
        # The constituent's own rating on the public tracking page, with a one-time code sent
        # to the registered phone (services.petition_rate_by_constituent checks it).
        Action(
            "rate",
            _("Rate"),
            frozenset({S.FEEDBACK_GIVEN}),
            S.CLOSED,
            service=_SERVICES + "petition_rate_by_constituent",
            order=200,
            public=True,
            offer_if=constituent_not_rated,
            target_rule=RATING_RULE,
            alt_targets=frozenset({S.HANDLING, S.TRIAGED}),
        ),
        # The deputies of a themed meeting (ties) rate the department's answer to an item they
        # raised, each on their own account: ties checks they are the meeting's deputies (as
        # the public "rate" row checks its code) and calls this once their ratings decide.
        Action(
            "rate_by_deputies",
            _("Deputies' rating at a themed meeting"),
            frozenset({S.FEEDBACK_GIVEN}),
            S.CLOSED,
            service=_SERVICES + "petition_rate_by_deputies",
            order=205,
            offer_if=constituent_not_rated,
            target_rule=RATING_RULE,
            alt_targets=frozenset({S.HANDLING, S.TRIAGED}),
        ),
        # System: nobody rated in time (petitions.tasks).
        Action(
            "auto_close",
            _("Close without rating"),
            frozenset({S.FEEDBACK_GIVEN}),
            S.CLOSED,
            service=_SERVICES + "petition_auto_close",
            order=210,
        ),
    ],
    error=IllegalTransition,
)
