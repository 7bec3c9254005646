"""Merging a duplicate into a case of another station of the same street: only for a user with
staff rights on both stations (checked in the service), written on both timelines, and the
merged case's constituent keeps following the case with their own code."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from petitions import services
from petitions.choices import EventKind, Status
from petitions.submission import Submission
from tests import factories as f

from .factories import make_petition

pytestmark = pytest.mark.django_db


def _at(world, station, actor, title="小区加装电梯", phone="13812345678", deputy=None):
    """A submitted case at ``station``, recorded by ``actor``."""
    return services.petition_submit(
        actor=actor,
        submission=Submission(
            station=station,
            deputy=deputy,
            channel="phone",
            title=title,
            content="老旧小区六层无电梯，老人上下楼困难。",
            constituent_name="李雷",
            phone=phone,
        ),
    )


@pytest.fixture
def room_staff(world):
    """Staff of room A-1 only (station A's own staff also run the room)."""
    user = f.UserFactory(username="room_staff")
    f.StaffPostFactory(user=user, station=world.room_a1)
    return user


@pytest.fixture
def neighbour(world):
    """Another station of street S1 that station A's staff do not run, with its own staff."""
    station = f.StationFactory(name="新兴街道第二联络站", region=world.street_s1)
    user = f.UserFactory(username="neighbour_staff")
    f.StaffPostFactory(user=user, station=station)
    return station, user


def test_staff_of_both_stations_merge_and_both_timelines_say_so(world):
    original = make_petition(world, Status.ACCEPTED)  # station A
    duplicate = _at(world, world.room_a1, world.user("staff"), phone="13900002222")
    services.petition_merge(actor=world.user("staff"), petition=duplicate, into=original)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.merged_into == original
    step = duplicate.events.get(to_status=Status.MERGED)
    assert original.display_code in step.note and world.station_a.name in step.note
    merged_in = original.events.get(kind=EventKind.MERGED_IN)
    assert duplicate.display_code in merged_in.note and world.room_a1.name in merged_in.note
    assert merged_in.actor == world.user("staff") and merged_in.is_public is False
    # The constituent's own timeline names the station their case went to, not its code.
    public = duplicate.events.get(to_status=Status.MERGED, is_public=True).public_note
    assert world.station_a.name in public and original.display_code not in public


def test_a_user_without_rights_on_both_stations_may_not_merge_across(world, room_staff, neighbour):
    original = make_petition(world, Status.ACCEPTED)  # station A, deputy 戴伟
    # 戴伟 may merge his own cases of one station; across stations he has no staff rights.
    duplicate = _at(world, world.room_a1, world.user("staff"), deputy=world.deputy_dave)
    with pytest.raises(PermissionDenied):
        services.petition_merge(actor=world.user("deputy"), petition=duplicate, into=original)
    # Room A-1's own staff have no right on station A: its case is not theirs to see.
    with pytest.raises(ValidationError):
        services.petition_merge(actor=room_staff, petition=duplicate, into=original)
    # Station A's staff run A and the room, not the neighbour station of the same street.
    station, neighbour_staff = neighbour
    other = _at(world, station, neighbour_staff)
    with pytest.raises(ValidationError):
        services.petition_merge(actor=world.user("staff"), petition=original, into=other)
    original.refresh_from_db()
    duplicate.refresh_from_db()
    assert original.status == Status.ACCEPTED and duplicate.status == Status.SUBMITTED
    assert not original.events.filter(kind=EventKind.MERGED_IN).exists()
    # An administrator has rights on every station.
    services.petition_merge(actor=world.user("admin"), petition=other, into=original)
    assert original.events.filter(kind=EventKind.MERGED_IN).count() == 1


def test_the_page_tells_a_deputy_it_was_refused(world, client):
    original = make_petition(world, Status.ACCEPTED)
    duplicate = _at(world, world.room_a1, world.user("staff"), deputy=world.deputy_dave)
    client.force_login(world.user("deputy"))
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("petitions:merge", args=[duplicate.pk]),
        {"version": duplicate.version, "into": original.tracking_code},
        follow=True,
    )
    assert "You may not do this on this case." in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.SUBMITTED


def test_a_case_of_another_street_cannot_be_merged_into(world):
    original = make_petition(world, Status.ACCEPTED)  # station A, street S1
    elsewhere = _at(world, world.station_a2, world.user("other_staff"))  # street S2
    with pytest.raises(ValidationError):
        services.petition_merge(actor=world.user("admin"), petition=elsewhere, into=original)


def test_the_hint_offers_the_merge_only_to_staff_of_both(world, room_staff, client):
    original = make_petition(world, Status.ACCEPTED)
    duplicate = _at(world, world.room_a1, world.user("staff"))
    merge = reverse("petitions:merge", args=[duplicate.pk])
    client.force_login(world.user("staff"))
    hints = client.get(duplicate.get_absolute_url()).content.decode()
    assert f'action="{merge}"' in hints and f'value="{original.tracking_code}"' in hints
    client.post(merge, {"version": duplicate.version, "into": original.tracking_code})
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original


def test_the_merged_constituent_follows_the_case_with_their_own_code(world, client):
    original = make_petition(world, Status.ASSIGNED)  # with 南湖区住建局
    duplicate = _at(world, world.room_a1, world.user("staff"), phone="13900002222")
    services.petition_merge(actor=world.user("staff"), petition=duplicate, into=original)
    html = client.get(reverse("public:track_detail", args=[duplicate.tracking_code]))
    assert html.status_code == 200
    page = html.content.decode()
    joined = page[page.index('id="joined"') :]
    assert world.station_a.name in joined and world.department.name in joined
    assert original.display_code not in page and original.tracking_code not in page
