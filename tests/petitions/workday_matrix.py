"""Role matrix for the working-day pages: the to-do home, routing rules, canned replies."""

from ..matrix import Entry

STATION_STAFF = {"staff", "other_staff", "far_staff"}
DEPUTIES = {"deputy", "other_deputy"}
HANDLERS = {"handler", "other_handler"}

ENTRIES = [
    # Staff, deputies and handlers each see their own part; the others have no to-do home.
    Entry("todo:home", allow=STATION_STAFF | DEPUTIES | HANDLERS, deny=403),
]

ENTRIES += [
    # The earlier-cases fragment under the phone field: those who record opinions.
    Entry(
        "petitions:phone_history",
        allow={"admin"} | STATION_STAFF,
        deny=403,
        query="phone=13812345678",
    ),
]


def _canned(w):
    from petitions.models import CannedReply

    return [CannedReply.objects.create(department=w.department, title="模板", body="内容").pk]


ENTRIES += [
    Entry("petitions:canned_replies", allow=HANDLERS, deny=403),
    # A department's own canned reply; another's is a 404 like one that does not exist.
    Entry(
        "petitions:canned_reply_delete",
        args=_canned,
        method="post",
        allow={"handler"},
        ok=302,
    ),
]

CLERKS_AND_ADMIN = {"admin", "clerk", "city_clerk", "other_clerk"}


def _rule(w):
    from petitions.models import RoutingRule

    from .factories import category

    return [
        RoutingRule.objects.create(
            region=w.district_x, category=category(), lead_department=w.department
        ).pk
    ]


ENTRIES += [
    Entry("routing:rules", allow=CLERKS_AND_ADMIN, deny=403),
    # A rule of district X: its clerks, the city's and the administrator; others 404.
    Entry(
        "routing:rule_delete",
        args=_rule,
        method="post",
        allow={"admin", "clerk", "city_clerk"},
        # The first allowed role (admin) deletes the rule; after it the rule is gone (404).
        ok=(302, 404),
        special={
            r: 403
            for r in (
                "staff",
                "other_staff",
                "far_staff",
                "deputy",
                "other_deputy",
                "handler",
                "other_handler",
                "nobody",
            )
        },
    ),
]
