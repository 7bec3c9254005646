"""Role matrix for the duty pages.

The activity in each entry is 戴伟's ("deputy") at station A (staff "staff"; district X with
clerks "clerk" and "city_clerk"). Who sees it: admin, staff, the two covering clerks and the
deputy; everyone else gets a 404. Those who see it without the right for an action get a 403.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from duty.choices import ActivityKind, ActivityStatus
from duty.models import Activity, ActivityFile
from tests.images import picture

from ..matrix import ALL_ROLES, Entry

SEES = {"admin", "staff", "clerk", "city_clerk", "deputy"}
LISTS = ALL_ROLES - {"handler", "other_handler", "nobody"}
DEPUTIES = {"deputy", "other_deputy"}
REGION_LISTS = {"admin", "staff", "other_staff", "far_staff", "clerk", "city_clerk", "other_clerk"}


def _activity(w, status=ActivityStatus.SUBMITTED, **kw) -> Activity:
    data = dict(
        deputy=w.deputy_dave,
        station=w.station_a,
        kind=ActivityKind.INSPECTION,
        date=dt.date(2025, 3, 1),
        title="视察",
        status=status,
    )
    data.update(kw)
    return Activity.objects.create(**data)


def _a(status=ActivityStatus.SUBMITTED, **kw):
    return lambda w: [_activity(w, status, **kw).pk]


def _file(w):
    row = ActivityFile(
        activity=_activity(w), original_name="a.png", content_type="image/png", size=1
    )
    row.file.save("a.png", ContentFile(picture()), save=False)
    row.save()
    return [row.pk]


def _act(name, status, allow, data=None):
    return Entry(
        "duty:act",
        args=lambda w: [_activity(w, status).pk, name],
        method="post",
        allow=allow,
        ok=(302, 400),
        data=data,
        special={r: 403 for r in SEES - set(allow)},
    )


EDITS_A = {"admin", "staff", "clerk", "city_clerk"}


def _rule(w):
    from duty.models import StationRule

    return [StationRule.objects.create(station=w.station_a, text="首问负责制").pk]


def _plan(w):
    from duty.models import PlanItem

    item = PlanItem.objects.create(
        station=w.station_a, year=2025, date=dt.date(2025, 6, 20), title="代表进站接待"
    )
    return [item.pk]


def _story_photo(w):
    story = _activity(
        w,
        ActivityStatus.APPROVED,
        kind=ActivityKind.STORY,
        wants_publication=True,
        is_published=True,
    )
    row = ActivityFile(activity=story, original_name="a.png", content_type="image/png", size=1)
    row.file.save("a.png", ContentFile(picture()), save=False)
    row.save()
    return [row.pk]


def _post(name, args, data=None, ok=302):
    return Entry(name, args=args, method="post", allow=EDITS_A, ok=ok, data=data)


def _assessment_photo(w):
    from duty.models import AssessmentPhoto, StationAssessment

    a = StationAssessment.objects.create(station=w.station_a, year=2025)
    row = AssessmentPhoto(assessment=a, original_name="a.png", content_type="image/png", size=1)
    row.file.save("a.png", ContentFile(picture()), save=False)
    row.save()
    return [row.pk]


CLERKS_A = {"admin", "clerk", "city_clerk"}
SEE_STATION_A = {"staff", "deputy"}  # they see the station but do not assess it
STATION_A = lambda w: [w.station_a.pk]  # noqa: E731

ENTRIES = [
    Entry("duty:open_manage", args=STATION_A, allow=EDITS_A),
    Entry("duty:open_manage", args=STATION_A, allow=EDITS_A, query="year=2025"),
    _post("duty:rule_add", STATION_A, lambda w: {"text": "首问负责制"}),
    _post("duty:rules_start", STATION_A),
    # Deleting twice: the second allowed role finds nothing (404); success is asserted in
    # tests/duty/test_openness.py.
    _post("duty:rule_delete", _rule, ok=(302, 404)),
    _post("duty:plan_add", STATION_A, lambda w: {"title": "接待", "date": "2025-06-20"}),
    _post("duty:plan_done", _plan, lambda w: {"done": "1"}),
    _post("duty:plan_delete", _plan, ok=(302, 404)),
    Entry("duty:assessments", allow=CLERKS_A | {"other_clerk"}, deny=403),
    Entry("duty:assessments", allow=CLERKS_A | {"other_clerk"}, deny=403, query="year=2025"),
    Entry(
        "duty:assess",
        args=STATION_A,
        allow=CLERKS_A,
        special={r: 403 for r in SEE_STATION_A},
    ),
    Entry(
        "duty:assess",
        args=STATION_A,
        method="post",
        allow=CLERKS_A,
        ok=302,
        data=lambda w: {"floor_area": "80"},
        special={r: 403 for r in SEE_STATION_A},
    ),
    Entry("duty:assessment_photo", args=_assessment_photo, allow=CLERKS_A),
    Entry("duty:poster", args=lambda w: [w.station_a.public_code], public=True),
    Entry("duty:poster", args=lambda w: [w.station_a.public_code], public=True, query="size=a4"),
    Entry("duty:story_photo", args=_story_photo, public=True),
    Entry("duty:activities", allow=LISTS, deny=403),
    Entry("duty:activities", allow=LISTS, deny=403, query="status=submitted"),
    Entry("duty:activities", allow=LISTS, deny=403, query="status=approved&export=xlsx"),
    Entry("duty:activity_create", allow=DEPUTIES, deny=403),
    Entry(
        "duty:activity_create",
        method="post",
        allow=DEPUTIES,
        deny=403,
        data=lambda w: {"kind": "training", "title": "培训"},  # no date: the form again
    ),
    Entry("duty:activity", args=_a(), allow=SEES),
    Entry(
        "duty:activity_edit",
        args=_a(ActivityStatus.RETURNED),
        allow={"deputy"},
        special={r: 403 for r in SEES - {"deputy"}},
    ),
    Entry(
        "duty:activity_edit",
        args=_a(ActivityStatus.RETURNED),
        method="post",
        allow={"deputy"},
        special={r: 403 for r in SEES - {"deputy"}},
    ),
    _act("approve", ActivityStatus.SUBMITTED, {"admin", "staff"}),
    _act("return", ActivityStatus.SUBMITTED, {"admin", "staff"}, lambda w: {"reason": "不全"}),
    Entry(
        "duty:unpublish",
        args=_a(ActivityStatus.APPROVED, kind=ActivityKind.STORY, is_published=True),
        method="post",
        allow={"admin", "staff"},
        ok=302,
        special={r: 403 for r in SEES - {"admin", "staff"}},
    ),
    Entry("duty:file", args=_file, allow=SEES),
    Entry("duty:my_year", allow=DEPUTIES, ok=302, deny=403),
    Entry("duty:year", args=lambda w: [w.deputy_dave.pk], allow=SEES),
    Entry("duty:year", args=lambda w: [w.deputy_dave.pk], allow=SEES, query="year=2025"),
    Entry("duty:evidence", args=lambda w: [w.deputy_dave.pk, "opinion"], allow=SEES),
    Entry(
        "duty:evidence",
        args=lambda w: [w.deputy_dave.pk, "reception"],
        allow=SEES,
        query="year=2025&month=3",
    ),
    Entry("duty:behind", allow=REGION_LISTS, deny=403),
    Entry("duty:ranking", allow=REGION_LISTS, deny=403, query="year=2025"),
]
