"""Role matrix for the suggestion pages.

Each entry's ``args`` makes the suggestion it needs: lead deputy 戴伟 ("deputy"), district X
(clerk "clerk"; the city clerk covers it too), lead department 南湖区住建局 ("handler") once
assigned. Who sees it: admin, the two covering clerks (not while it is a draft), the deputy,
and the handler once assigned; everyone else gets a 404. Those who see it but hold no right
for an action get a 403. Every action of suggestions.loop.REGISTRY with a form has an entry.
"""

from suggestions.choices import Classification, Level, Status

from ..matrix import Entry
from .factories import draft, make_suggestion

CLERKS = {"admin", "clerk", "city_clerk"}
SEES = CLERKS | {"deputy", "handler"}
SEES_UNASSIGNED = CLERKS | {"deputy"}
LIST_ROLES = CLERKS | {"other_clerk", "deputy", "other_deputy", "handler", "other_handler"}


def _s(status, **kw):
    return lambda w: [make_suggestion(w, status, **kw).pk]


def _city_draft(w):
    """A city-level draft inviting 裴佳 (station B, district Y, same city) to co-sign."""
    return [draft(w, level=Level.CITY, cosigners=[w.deputy_peggy]).pk]


def _act(name, status_or_args, allow, sees):
    args = status_or_args if callable(status_or_args) else _s(status_or_args)
    return Entry(
        "suggestions:act",
        args=lambda w: [*args(w), name],
        method="post",
        allow=allow,
        ok=(302, 400),
        special={r: 403 for r in set(sees) - set(allow)},
    )


def _with_letter(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from suggestions import services

    s = make_suggestion(w, Status.HANDLING)
    pdf = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n" + b"0" * 64)
    reply = services.suggestion_reply(
        actor=w.user("handler"),
        suggestion=s,
        classification=Classification.A,
        body="已采纳。",
        letter=pdf,
    )
    return [reply.pk]


FOLLOW_UP = {"progress": "已完成设计", "follow_up_date": "2099-01-01"}

ENTRIES = [
    Entry("suggestions:list", allow=LIST_ROLES, deny=403),
    Entry("suggestions:list", allow=LIST_ROLES, deny=403, query="status=handling&overdue=on"),
    Entry("suggestions:list", allow=LIST_ROLES, deny=403, query="status=handling&export=xlsx"),
    Entry("suggestions:create", allow={"deputy", "other_deputy"}, deny=403),
    Entry("suggestions:figures", allow=CLERKS | {"other_clerk"}, deny=403),
    Entry("suggestions:figures", allow=CLERKS | {"other_clerk"}, deny=403, query="year=2025"),
    Entry("suggestions:detail", args=_s(Status.HANDLING), allow=SEES),
    Entry("suggestions:detail", args=_s(Status.DRAFT), allow={"admin", "deputy"}),
    Entry("suggestions:detail", args=_city_draft, allow={"admin", "deputy", "other_deputy"}),
    Entry("suggestions:detail", args=_s(Status.SUBMITTED), allow=SEES_UNASSIGNED),
    Entry("suggestions:edit", args=_s(Status.DRAFT), allow={"deputy"}, special={"admin": 403}),
    Entry(
        "suggestions:edit",
        args=_s(Status.DRAFT),
        method="post",
        allow={"deputy"},
        ok=200,  # the empty form is shown again with its errors
        special={"admin": 403},
    ),
    _act("submit", Status.DRAFT, {"deputy"}, {"admin", "deputy"}),
    _act("cosign", _city_draft, {"other_deputy"}, {"admin", "deputy", "other_deputy"}),
    _act("register", Status.SUBMITTED, CLERKS, SEES_UNASSIGNED),
    _act("decline", Status.SUBMITTED, CLERKS, SEES_UNASSIGNED),
    _act("assign", Status.REGISTERED, CLERKS, SEES_UNASSIGNED),
    _act("reply", Status.HANDLING, {"admin", "handler"}, SEES),
    _act("evaluate", Status.REPLIED, {"deputy"}, SEES),
    _act("follow_up", Status.FOLLOWING, {"admin", "handler"}, SEES),
    _act("fulfil", Status.FOLLOWING, CLERKS | {"handler"}, SEES),
    Entry(
        "suggestions:act",
        args=lambda w: [*_s(Status.FOLLOWING)(w), "follow_up"],
        method="post",
        data=lambda w: {
            "version": 99,  # stale on purpose: a refused role must not even get this far
            **FOLLOW_UP,
        },
        allow={"admin", "handler"},
        ok=302,
        special={r: 403 for r in SEES - {"admin", "handler"}},
    ),
    Entry("suggestions:print_form", args=_s(Status.HANDLING), allow=SEES),
    Entry("suggestions:print_reply", args=_s(Status.REPLIED), allow=SEES),
    Entry("suggestions:letter", args=_with_letter, allow=SEES),
]
