"""Self-reported activities: a deputy files with evidence, the station approves or returns it,
only approved ones count; every action of duty.loop.REGISTRY is tried allowed and refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.errors import IllegalTransition
from core.models import OutboxMessage
from duty import selectors, services
from duty.choices import ActivityKind, ActivityStatus
from duty.loop import REGISTRY
from duty.models import Activity
from tests.images import bomb_png, picture

TODAY = timezone.localdate()


def _fields(**kw):
    data = dict(
        kind=ActivityKind.INSPECTION,
        date=TODAY,
        title="老旧小区加装电梯视察",
        body="走访幸福小区3幢，听取居民意见。",
        wants_publication=False,
    )
    data.update(kw)
    return data


def _photo(name="现场.png"):
    return SimpleUploadedFile(name, picture("PNG"), content_type="image/png")


def test_a_deputy_files_an_activity_for_their_station(world):
    a = services.activity_file(actor=world.user("deputy"), fields=_fields(), files=[_photo()])
    assert (a.deputy, a.station, a.status) == (
        world.deputy_dave,
        world.station_a,
        ActivityStatus.SUBMITTED,
    )
    assert a.files.get().content_type == "image/png"
    # The station's staff are told.
    assert OutboxMessage.objects.filter(user=world.user("staff"), url=a.get_absolute_url()).exists()


def test_a_picture_bomb_is_refused(world):
    bomb = SimpleUploadedFile("bomb.png", bomb_png(), content_type="image/png")
    with pytest.raises(ValidationError):
        services.activity_file(actor=world.user("deputy"), fields=_fields(), files=[bomb])
    assert not Activity.objects.exists()


def test_a_future_date_is_refused(world):
    with pytest.raises(ValidationError):
        services.activity_file(
            actor=world.user("deputy"), fields=_fields(date=TODAY + dt.timedelta(days=1))
        )


def test_only_deputies_file(world):
    with pytest.raises(PermissionDenied):
        services.activity_file(actor=world.user("staff"), fields=_fields())


def test_only_approved_activities_count(world):
    a = services.activity_file(actor=world.user("deputy"), fields=_fields())
    year = TODAY.year
    assert selectors.duty_year(world.deputy_dave, year).item("station").total == 0
    services.activity_approve(actor=world.user("staff"), activity=a)
    assert selectors.duty_year(world.deputy_dave, year).item("station").total == 1


def test_return_needs_a_reason_and_the_deputy_resubmits(world):
    a = services.activity_file(actor=world.user("deputy"), fields=_fields())
    with pytest.raises(ValidationError):
        services.activity_return(actor=world.user("staff"), activity=a, reason="  ")
    a = services.activity_return(actor=world.user("staff"), activity=a, reason="请补充现场照片")
    assert (a.status, a.return_reason) == (ActivityStatus.RETURNED, "请补充现场照片")
    assert OutboxMessage.objects.filter(user=world.user("deputy"), body="请补充现场照片").exists()
    a = services.activity_resubmit(
        actor=world.user("deputy"), activity=a, fields=_fields(), files=[_photo()]
    )
    assert (a.status, a.return_reason, a.files.count()) == (ActivityStatus.SUBMITTED, "", 1)


def test_other_stations_staff_may_not_decide(world):
    a = services.activity_file(actor=world.user("deputy"), fields=_fields())
    for role in ("other_staff", "far_staff", "clerk", "other_deputy"):
        with pytest.raises(PermissionDenied):
            services.activity_approve(actor=world.user(role), activity=a)


def _run(action: str, actor, a: Activity) -> Activity:
    if action == "approve":
        return services.activity_approve(actor=actor, activity=a)
    if action == "return":
        return services.activity_return(actor=actor, activity=a, reason="不全")
    return services.activity_resubmit(actor=actor, activity=a, fields=_fields())


@pytest.mark.parametrize("action", REGISTRY.names())
def test_every_action_refuses_every_state_it_does_not_start_from(world, action):
    row = REGISTRY[action]
    for state in ActivityStatus.values:
        a = Activity.objects.create(
            deputy=world.deputy_dave,
            station=world.station_a,
            kind=ActivityKind.TRAINING,
            date=TODAY,
            title="培训",
            status=state,
        )
        actor = world.user("deputy" if action == "resubmit" else "staff")
        if row.starts_from(state):
            assert _run(action, actor, a).status == row.target
        else:
            with pytest.raises(IllegalTransition):
                _run(action, actor, a)


def test_a_story_is_published_only_when_the_deputy_asked(world):
    asked = services.activity_file(
        actor=world.user("deputy"),
        fields=_fields(kind=ActivityKind.STORY, title="电梯装好了", wants_publication=True),
    )
    quiet = services.activity_file(
        actor=world.user("deputy"), fields=_fields(kind=ActivityKind.STORY, title="不公开")
    )
    inspection = services.activity_file(
        actor=world.user("deputy"), fields=_fields(wants_publication=True)
    )
    assert not inspection.wants_publication  # only a story can be offered
    assert services.activity_approve(
        actor=world.user("staff"), activity=asked, publish=True
    ).is_published
    assert not services.activity_approve(
        actor=world.user("staff"), activity=quiet, publish=True
    ).is_published


def test_the_pages_show_the_queue_and_the_decision(world, as_role):
    a = services.activity_file(actor=world.user("deputy"), fields=_fields(), files=[_photo()])
    client = as_role("staff")
    page = client.get(reverse("duty:activities") + "?status=submitted").content.decode()
    assert "老旧小区加装电梯视察" in page
    detail = client.get(a.get_absolute_url()).content.decode()
    assert 'data-action="approve"' in detail and 'data-action="return"' in detail
    response = client.post(reverse("duty:act", args=[a.pk, "return"]), {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = client.post(reverse("duty:act", args=[a.pk, "approve"]), follow=True)
    assert "Approved: the activity now counts" in response.content.decode()
    a.refresh_from_db()
    assert a.status == ActivityStatus.APPROVED
    photo = a.files.get()
    assert client.get(reverse("duty:file", args=[photo.pk])).status_code == 200
    assert as_role("far_staff").get(reverse("duty:file", args=[photo.pk])).status_code == 404


def test_the_filing_form_keeps_what_was_typed(world, as_role):
    response = as_role("deputy").post(
        reverse("duty:activity_create"),
        {"kind": "training", "date": "", "title": "代表履职培训", "body": "学习代表法"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "代表履职培训" in page and "学习代表法" in page
    assert not Activity.objects.exists()
