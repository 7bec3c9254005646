"""Role matrix for the staff / deputy / department pages of petitions.

The world has no petitions; each entry's ``args`` makes the case it needs (at station A, deputy
戴伟, lead department 南湖区住建局). Who may see such a case: admin, staff (station A), clerk
(district X), city_clerk, deputy (his own case) and handler (lead department); everyone else
gets a 404. Roles who see the case but hold no right for an action get a 403.
"""

from petitions.choices import Status
from tests.images import picture

from ..matrix import Entry
from .factories import make_petition, make_reception

SEES_CASE = {"admin", "staff", "clerk", "city_clerk", "deputy", "handler"}
SEES_BEFORE_ASSIGN = SEES_CASE - {"handler"}
STAFF_SIDE = {"admin", "staff", "clerk", "city_clerk", "other_staff", "far_staff", "other_clerk"}


def _p(status):
    return lambda w: [make_petition(w, status).pk]


def _action(name, status, allow, sees=SEES_CASE):
    """A POST action: allowed roles reach it (the empty form posted here is answered with the
    case page and the form's errors, 400, or done and redirected, 302); the others who see the
    case get 403; everyone else 404."""
    return Entry(
        f"petitions:{name}",
        args=_p(status),
        method="post",
        allow=allow,
        ok=(302, 400),
        special={r: 403 for r in sees - set(allow)},
    )


def _attachment(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions.attachments import save_attachments

    p = make_petition(w, Status.ASSIGNED)
    png = picture("PNG")
    return [save_attachments(p, [SimpleUploadedFile("photo.png", png)])[0].pk]


ENTRIES = [
    Entry(
        "petitions:list",
        allow=STAFF_SIDE | {"deputy", "other_deputy", "handler", "other_handler"},
        deny=403,
    ),
    # The list's type-ahead filters: anyone with a role asks (rows scoped by visible_to).
    *(
        Entry(
            "petitions:lookup",
            args=lambda w, kind=kind: [kind],
            query="q=a",
            allow=STAFF_SIDE | {"deputy", "other_deputy", "handler", "other_handler"},
            deny=403,
        )
        for kind in ("deputy", "station", "department")
    ),
    Entry("petitions:create", allow={"admin", "staff", "other_staff", "far_staff"}, deny=403),
    Entry("petitions:my", allow={"deputy", "other_deputy"}, deny=403),
    Entry("petitions:department_cases", allow={"handler", "other_handler"}, deny=403),
    Entry(
        "petitions:reception_list",
        allow=STAFF_SIDE | {"deputy", "other_deputy"},
        deny=403,
    ),
    Entry(
        "petitions:reception_list",
        allow=STAFF_SIDE | {"deputy", "other_deputy"},
        deny=403,
        query="export=xlsx",
    ),
    Entry(
        "petitions:reception_create", allow={"admin", "staff", "other_staff", "far_staff"}, deny=403
    ),
    Entry(
        "petitions:reception_detail",
        args=lambda w: [make_reception(w).pk],
        allow={"admin", "staff", "clerk", "city_clerk", "deputy"},
    ),
    Entry(
        "petitions:reception_add_petition",
        args=lambda w: [make_reception(w).pk],
        method="post",
        allow={"admin", "staff"},
        ok=200,  # an invalid (empty) form is shown again with its errors
        special={"clerk": 403, "city_clerk": 403, "deputy": 403},
    ),
    Entry("petitions:detail", args=_p(Status.ASSIGNED), allow=SEES_CASE),
    Entry(
        "petitions:detail",
        args=_p(Status.SUBMITTED),
        allow=SEES_BEFORE_ASSIGN,
        query="before=assign",
    ),
    _action("accept", Status.SUBMITTED, {"admin", "staff", "deputy"}, SEES_BEFORE_ASSIGN),
    _action("decline", Status.SUBMITTED, {"admin", "staff", "deputy"}, SEES_BEFORE_ASSIGN),
    _action("merge", Status.SUBMITTED, {"admin", "staff", "deputy"}, SEES_BEFORE_ASSIGN),
    _action("triage", Status.ACCEPTED, {"admin", "staff"}, SEES_BEFORE_ASSIGN),
    _action("resolve", Status.TRIAGED, {"admin", "staff"}, SEES_BEFORE_ASSIGN),
    _action("assign", Status.TRIAGED, {"admin", "staff"}, SEES_BEFORE_ASSIGN),
    _action("receive", Status.ASSIGNED, {"admin", "handler"}),
    _action("return", Status.ASSIGNED, {"admin", "handler"}),
    _action("extension_request", Status.HANDLING, {"admin", "handler"}),
    _action("extension_decide", Status.HANDLING, {"admin", "staff"}),
    _action("reply", Status.HANDLING, {"admin", "handler"}),
    # Nobody in the world assists on the case: the lead handler and the admin are refused too.
    _action("opinion", Status.HANDLING, set()),
    _action("feedback", Status.REPLIED, {"admin", "staff", "deputy"}),
    _action("record_rating", Status.FEEDBACK_GIVEN, {"admin", "staff"}),
    _action("rate_deputy", Status.FEEDBACK_GIVEN, {"deputy"}),
    # Only a deputy holding the direct routing right (none in the matrix world).
    _action("route", Status.ACCEPTED, set(), sees=SEES_BEFORE_ASSIGN),
    Entry(
        "petitions:reveal_contact",
        args=_p(Status.ASSIGNED),
        method="post",
        data=lambda w: {"reason": "call_back"},
        allow={"admin", "staff", "handler"},
        special={"clerk": 403, "city_clerk": 403, "deputy": 403},
    ),
    Entry(
        "petitions:assignment_slip",
        args=_p(Status.ASSIGNED),
        allow={"admin", "staff", "clerk", "city_clerk", "handler"},
        special={"deputy": 403},
    ),
    Entry(
        "petitions:reply_slip",
        args=_p(Status.REPLIED),
        allow={"admin", "staff", "clerk", "city_clerk", "handler"},
        special={"deputy": 403},
    ),
    Entry(
        "petitions:attachment",
        args=_attachment,
        allow=SEES_CASE,
    ),
]
