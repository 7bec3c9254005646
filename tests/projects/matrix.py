"""Role matrix for the livelihood-project pages.

Each entry's ``args`` makes what it needs in district X (南湖区): its congress is 戴伟
("deputy"); the clerk "clerk" administers the vote, "city_clerk" covers the region without
administering it. Who sees a cycle of X: admin, the two covering clerks, the deputy, the staff
of stations in X ("staff", "other_staff") and the department of X ("handler"); everyone else
gets a 404. Those who see it but hold no right get a 403. Every action of projects.loop with a
form has an entry, and each of the cycle's actions.
"""

from projects.choices import Stage, Status

from ..matrix import ALL_ROLES, Entry
from .factories import cycle_in, make_candidate

CLERKS = {"admin", "clerk", "city_clerk"}
SEES = CLERKS | {"deputy", "staff", "other_staff", "handler"}
FIGURES = CLERKS | {"other_clerk"}
ANYONE = ALL_ROLES - {"nobody"}
VOTE_ADMIN = {"admin", "clerk"}


def _c(status):
    return lambda w: [make_candidate(w, status).pk]


def _cy(stage):
    return lambda w: [cycle_in(w, stage).pk]


def _with_milestone(w):
    import datetime as dt

    from projects import services

    c = make_candidate(w, Status.IN_PROGRESS)
    services.milestone_add(
        actor=w.user("clerk"), candidate=c, title="完成设计", due_date=dt.date(2099, 1, 1)
    )
    return [c.pk]


def _photo(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from projects import services

    from ..images import picture

    c = make_candidate(w, Status.IN_PROGRESS)
    report = services.progress_report(
        actor=w.user("handler"), candidate=c, text="主体完工", percent=60,
        photos=[SimpleUploadedFile("现场.png", picture())],
    )  # fmt: skip
    return [report.photos.get().pk]


def _act(name, args, allow):
    return Entry(
        "projects:act",
        args=lambda w: [*args(w), name],
        method="post",
        allow=allow,
        ok=(302, 400),
        special={r: 403 for r in SEES - set(allow)},
    )


def _cycle_act(name, stage):
    return Entry(
        "projects:cycle_act",
        args=lambda w: [*_cy(stage)(w), name],
        method="post",
        allow=CLERKS,
        ok=302,
        special={r: 403 for r in SEES - CLERKS},
    )


def _ballot_entry(name, allow, method="get", ok=200):
    return Entry(
        f"projects:{name}",
        args=_cy(Stage.VOTING),
        method=method,
        allow=allow,
        ok=ok,
        special={r: 403 for r in SEES - set(allow)},
    )


ENTRIES = [
    Entry("projects:list", allow=ANYONE, deny=403),
    Entry("projects:cycle_create", allow=FIGURES, deny=403),
    Entry("projects:cycle_create", method="post", allow=FIGURES, deny=403),
    Entry("projects:dashboard", allow=FIGURES, deny=403),
    Entry("projects:dashboard", allow=FIGURES, deny=403, query="year=2030"),
    Entry("projects:ledger", allow=FIGURES, deny=403),
    Entry("projects:cycle", args=_cy(Stage.COLLECTING), allow=SEES),
    Entry("projects:cycle", args=_cy(Stage.COLLECTING), allow=SEES, query="export=xlsx"),
    Entry("projects:cycle", args=_cy(Stage.VOTING), allow=SEES),
    Entry("projects:cycle", args=_cy(Stage.IMPLEMENTING), allow=SEES),
    _cycle_act("open_vote", Stage.COLLECTING),
    _cycle_act("close_vote", Stage.VOTING),
    _cycle_act("finish", Stage.IMPLEMENTING),
    Entry(
        "projects:propose",
        args=_cy(Stage.COLLECTING),
        allow=CLERKS | {"deputy", "staff", "other_staff"},
        special={"handler": 403},
    ),
    _ballot_entry("ballot", {"deputy"}),
    _ballot_entry("ballot", {"deputy"}, method="post", ok=400),
    _ballot_entry("paper_ballot", VOTE_ADMIN),
    _ballot_entry("paper_ballot", VOTE_ADMIN, method="post", ok=400),
    _ballot_entry("ballots", VOTE_ADMIN),
    Entry("projects:detail", args=_c(Status.PROPOSED), allow=SEES),
    Entry("projects:detail", args=_c(Status.IN_PROGRESS), allow=SEES),
    _act("screen", _c(Status.PROPOSED), CLERKS),
    _act("reject", _c(Status.PROPOSED), CLERKS),
    _act("start", _c(Status.CHOSEN), CLERKS),
    _act("milestone", _c(Status.IN_PROGRESS), CLERKS | {"handler"}),
    _act("milestone_done", _with_milestone, CLERKS | {"handler"}),
    _act("report", _c(Status.IN_PROGRESS), {"admin", "handler"}),
    _act("inspect", _c(Status.IN_PROGRESS), {"deputy"}),
    _act("complete", _c(Status.IN_PROGRESS), CLERKS | {"handler"}),
    _act("rate", _c(Status.COMPLETED), {"deputy"}),
    _act("survey", _c(Status.COMPLETED), CLERKS),
    _act("carry_over", _c(Status.IN_PROGRESS), CLERKS),
    Entry("projects:photo", args=_photo, allow=SEES),
    # Public pages (no login; 五公开)
    Entry("projects_public:call", args=_cy(Stage.COLLECTING), public=True),
    Entry("projects_public:call_done", args=_cy(Stage.COLLECTING), public=True),
    Entry("projects_public:results", args=_cy(Stage.IMPLEMENTING), public=True),
    Entry("projects_public:project", args=_c(Status.IN_PROGRESS), public=True),
    Entry("projects_public:rate", args=_c(Status.IN_PROGRESS), public=True),
    Entry("projects_public:rated", args=_c(Status.COMPLETED), public=True),
]
