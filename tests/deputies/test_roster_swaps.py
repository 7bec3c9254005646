"""Swaps: a deputy asks, the other accepts or declines, staff confirm; each step stamped and notified."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import OutboxMessage
from deputies.roster.choices import SwapStatus
from deputies.roster.models import Duty, SwapRequest
from deputies.roster.services import RosterError, swap_request, swap_respond

from .. import factories as f
from .roster_factories import day, deputy_at, future


@pytest.fixture
def duties(world):
    qian = deputy_at(world.station_a, "钱多", user=f.UserFactory(username="qian"))
    mine = Duty.objects.create(day=day(world.station_a, future(10)), deputy=qian)
    daves = Duty.objects.create(day=day(world.station_a, future(20)), deputy=world.deputy_dave)
    return qian, mine, daves


def test_it_runs_the_whole_swap_flow(client, world, duties):
    qian, mine, daves = duties
    client.force_login(qian.user)
    page = client.get(reverse("roster:swap_create", args=[mine.pk]))
    assert f"{daves.day.date:%Y-%m-%d}" in page.content.decode()
    client.post(
        reverse("roster:swap_create", args=[mine.pk]), {"to_duty": daves.pk, "note": "出差"}
    )
    swap = SwapRequest.objects.get()
    assert (swap.status, swap.requester, swap.counterpart) == (
        SwapStatus.PENDING,
        qian,
        world.deputy_dave,
    )
    assert OutboxMessage.objects.filter(
        user=world.user("deputy"), dedupe_key__startswith=f"swap:{swap.pk}"
    ).exists()

    client.force_login(world.user("deputy"))
    body = client.get(reverse("roster:my_schedule")).content.decode()
    assert "钱多" in body and reverse("roster:swap_respond", args=[swap.pk]) in body
    client.post(reverse("roster:swap_respond", args=[swap.pk]), {"action": "accept"})
    swap.refresh_from_db()
    assert swap.status == SwapStatus.ACCEPTED and swap.responded_at is not None
    assert OutboxMessage.objects.filter(
        user=world.user("staff"), dedupe_key__startswith=f"swap:{swap.pk}"
    ).exists()

    client.force_login(world.user("staff"))
    client.post(reverse("roster:swap_decide", args=[swap.pk]), {"action": "confirm"})
    swap.refresh_from_db()
    mine.refresh_from_db()
    daves.refresh_from_db()
    assert swap.status == SwapStatus.CONFIRMED and swap.decided_by == world.user("staff")
    assert (mine.deputy, daves.deputy) == (world.deputy_dave, qian)


def test_it_lets_the_other_deputy_decline(world, duties):
    qian, mine, daves = duties
    swap = swap_request(actor=qian.user, from_duty=mine, to_duty=daves)
    swap_respond(actor=world.user("deputy"), swap=swap, accept=False)
    swap.refresh_from_db()
    mine.refresh_from_db()
    assert swap.status == SwapStatus.DECLINED and mine.deputy == qian


def test_it_lets_only_the_deputy_asked_answer(world, duties):
    qian, mine, daves = duties
    swap = swap_request(actor=qian.user, from_duty=mine, to_duty=daves)
    with pytest.raises(PermissionDenied):
        swap_respond(actor=qian.user, swap=swap, accept=True)


def test_it_refuses_a_swap_across_stations(world, duties):
    qian, mine, _daves = duties
    peggys = Duty.objects.create(day=day(world.station_b, future(12)), deputy=world.deputy_peggy)
    with pytest.raises(RosterError):
        swap_request(actor=qian.user, from_duty=mine, to_duty=peggys)


def test_it_does_not_let_staff_confirm_a_pending_swap(world, duties):
    from deputies.roster.services import swap_decide

    qian, mine, daves = duties
    swap = swap_request(actor=qian.user, from_duty=mine, to_duty=daves)
    with pytest.raises(RosterError):
        swap_decide(actor=world.user("staff"), swap=swap, confirm=True)


def test_it_tells_the_head_stations_staff_a_rooms_swap_waits(world):
    """Staff of the head station may confirm a room's swap, so they are told; a deactivated
    staff member of the room is not."""
    room = world.room_a1
    gone = f.UserFactory(username="gone", is_active=False)
    f.StaffPostFactory(user=gone, station=room)
    qian = deputy_at(room, "钱多", user=f.UserFactory(username="qian"))
    sun = deputy_at(room, "孙红", user=f.UserFactory(username="sun"))
    mine = Duty.objects.create(day=day(room, future(10)), deputy=qian)
    theirs = Duty.objects.create(day=day(room, future(20)), deputy=sun)
    swap = swap_request(actor=qian.user, from_duty=mine, to_duty=theirs)
    swap_respond(actor=sun.user, swap=swap, accept=True)

    told = set(
        OutboxMessage.objects.filter(
            dedupe_key__startswith=f"swap:{swap.pk}:to-confirm"
        ).values_list("user__username", flat=True)
    )
    assert told == {world.user("staff").username}
