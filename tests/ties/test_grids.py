"""Grids (网格): grid workers as limited part-time liaisons, 1–2 grids per station deputy,
coverage for clerks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.roles import roles_of
from petitions import services as petition_services
from petitions.choices import Channel, ReceptionKind, Tier, Urgency
from petitions.loop import LOOP
from petitions.models import Category, Petition
from tests import factories as f
from ties import services

from .support import make_grid

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(world):
    return f.UserFactory(username="gridworker", full_name="钱网格")


def _record(world, grid, worker):
    return services.grid_opinion_record(
        actor=worker,
        grid=grid,
        title="楼道堆物",
        content="3幢楼道堆放杂物,存在消防隐患。",
        constituent_name="赵大妈",
        phone="13611112222",
    )


def test_a_grid_worker_is_a_liaison_not_station_staff(world, worker):
    make_grid(world, worker=worker)
    roles = roles_of(worker)
    assert roles.is_liaison and not roles.is_staff_member
    assert roles.liaison_station_ids == {world.station_a.pk}


def test_a_grid_worker_records_an_opinion_on_the_days_grid_visit(world, worker):
    grid = make_grid(world, worker=worker)
    p1 = _record(world, grid, worker)
    p2 = _record(world, grid, worker)
    assert (p1.station, p1.channel) == (world.station_a, Channel.RECEPTION)
    assert p1.reception == p2.reception
    assert p1.reception.kind == ReceptionKind.VISIT
    assert "幸福里网格" in p1.reception.topic


def test_a_grid_worker_may_not_triage_or_assign_or_see_cases(world, worker):
    grid = make_grid(world, worker=worker)
    petition = _record(world, grid, worker)
    petition = petition_services.petition_accept(actor=world.user("staff"), petition=petition)
    assert not LOOP["triage"].allowed_for(worker, petition)
    assert not LOOP["assign"].allowed_for(worker, petition)
    with pytest.raises(PermissionDenied):
        petition_services.petition_triage(
            actor=worker,
            petition=petition,
            category=Category.objects.first(),
            urgency=Urgency.NORMAL,
            tier=Tier.STREET,
        )
    assert not Petition.objects.visible_to(worker).exists()


def test_the_grid_worker_pages_refuse_what_the_post_may_not_do(client, world, worker):
    grid = make_grid(world, worker=worker)
    petition = _record(world, grid, worker)
    client.force_login(worker)
    assert client.get("/ties/grids/mine/").status_code == 200
    assert client.get(f"/petitions/{petition.pk}/").status_code == 404
    assert client.get("/petitions/new/").status_code == 403
    assert client.post(f"/petitions/{petition.pk}/accept/").status_code == 404


def test_a_grid_worker_at_another_station_may_not_record_here(world, worker):
    grid = make_grid(world)  # no worker
    grid.worker = worker
    grid.save()
    f.StaffPostFactory(user=worker, station=world.station_b, post="grid_worker")
    with pytest.raises(PermissionDenied):
        _record(world, grid, worker)


def test_the_grid_worker_does_not_get_the_stations_notices(world, worker):
    from stations.scope import station_staff

    make_grid(world, worker=worker)
    assert worker not in station_staff(world.station_a)
    assert world.user("staff") in station_staff(world.station_a)


@pytest.mark.parametrize(("n", "ok"), [(0, False), (1, True), (2, True), (3, False)])
def test_a_station_deputy_keeps_in_touch_with_one_or_two_grids(world, n, ok):
    grids = [
        make_grid(world, name=f"网格{i}", community=None if i == 0 else _community(world))
        for i in range(n)
    ]
    if ok:
        services.deputy_grids_set(actor=world.user("staff"), deputy=world.deputy_dave, grids=grids)
        assert world.deputy_dave.grids.count() == n
    else:
        with pytest.raises(ValidationError, match=f"1 or 2 grids; 戴伟 would have {n}"):
            services.deputy_grids_set(
                actor=world.user("staff"), deputy=world.deputy_dave, grids=grids
            )


_n = [0]


def _community(world):
    from stations.choices import RegionLevel

    _n[0] += 1
    return f.RegionFactory(
        name=f"社区{_n[0]}",
        code=f"3304020019{_n[0]:02d}",
        level=RegionLevel.COMMUNITY,
        parent=world.street_s1,
    )


def test_the_clerk_sees_grids_without_a_deputy(client, world):
    covered = make_grid(world, name="幸福里网格")
    make_grid(world, name="和平里网格", community=covered.community)
    services.deputy_grids_set(actor=world.user("staff"), deputy=world.deputy_dave, grids=[covered])
    client.force_login(world.user("clerk"))
    html = client.get("/ties/grids/").content.decode()
    assert "Grids without a deputy: 1 of 2." in html
    client.force_login(world.user("other_clerk"))
    assert "和平里网格" not in client.get("/ties/grids/").content.decode()


# ---- the station's reception pages -----------------------------------------------------------

RECEPTIONS = "/petitions/receptions/"


def _opinion(**kw):
    data = {
        "constituent_name": "孙阿姨",
        "phone": "13755556666",
        "title": "小区路灯不亮",
        "content": "5幢门口路灯坏了两周。",
    }
    data.update(kw)
    return data


def test_a_grid_worker_logs_a_reception_at_the_station_and_records_opinions(client, world, worker):
    make_grid(world, worker=worker)
    client.force_login(worker)
    page = client.get(RECEPTIONS).content.decode()
    assert "/petitions/receptions/new/" in page
    form = client.get(f"{RECEPTIONS}new/").content.decode()
    assert world.station_a.name in form and world.station_b.name not in form
    response = client.post(
        f"{RECEPTIONS}new/",
        {
            "station": world.station_a.pk,
            "kind": ReceptionKind.REGULAR,
            "held_at": "2024-06-20T09:00",
            "topic": "网格员协助接待",
            "deputies": [world.deputy_dave.pk],
            "constituents_count": 3,
        },
    )
    reception = world.station_a.receptions.get(topic="网格员协助接待")
    assert response.status_code == 302 and response["Location"] == reception.get_absolute_url()
    assert reception.created_by == worker
    detail = client.get(reception.get_absolute_url()).content.decode()
    assert "Record this opinion" in detail and "earlier-cases" not in detail  # no phone history
    response = client.post(
        f"{reception.get_absolute_url()}opinion/",
        _opinion(deputy=world.deputy_dave.pk),
        follow=True,
    )
    petition = Petition.objects.get(title="小区路灯不亮")
    assert "Tracking code" in response.content.decode()
    assert (petition.reception, petition.channel, petition.deputy, petition.created_by) == (
        reception,
        Channel.RECEPTION,
        world.deputy_dave,
        worker,
    )
    assert petition.display_code in response.content.decode()


def test_a_grid_worker_records_at_a_reception_staff_logged_but_sees_only_their_own(
    client, world, worker
):
    from tests.petitions.factories import make_petition, make_reception

    make_grid(world, worker=worker)
    reception = make_reception(world)
    staffs = make_petition(world, "submitted", title="别人记的意见", reception=reception)
    client.force_login(worker)
    response = client.post(f"{reception.get_absolute_url()}opinion/", _opinion())
    assert response.status_code == 302
    mine = Petition.objects.get(title="小区路灯不亮")
    receipt = client.get(reception.get_absolute_url()).content.decode()
    assert f"Tracking code: {mine.display_code}" in receipt  # once, to tell the constituent
    page = client.get(reception.get_absolute_url()).content.decode()
    assert "小区路灯不亮" in page and "别人记的意见" not in page
    # A row, not a link to a case they cannot open, and no tracking code: that is the
    # constituent's key to the case's progress.
    assert mine.get_absolute_url() not in page
    assert mine.display_code not in page and staffs.display_code not in page
    assert client.get(mine.get_absolute_url()).status_code == 404
    assert client.post(f"{mine.get_absolute_url()}accept/").status_code == 404
    assert client.get("/petitions/").status_code == 403
    assert client.get("/petitions/earlier-cases/", {"phone": "13755556666"}).status_code == 403
    # Station staff see every opinion of the reception, the worker's included.
    client.force_login(world.user("staff"))
    page = client.get(reception.get_absolute_url()).content.decode()
    assert "小区路灯不亮" in page and "别人记的意见" in page


def test_a_grid_worker_may_not_use_another_stations_reception_pages(client, world, worker):
    from tests.petitions.factories import make_reception

    make_grid(world, worker=worker)
    there = make_reception(world, station=world.station_b)
    client.force_login(worker)
    assert client.get(there.get_absolute_url()).status_code == 404
    assert client.post(f"{there.get_absolute_url()}opinion/", _opinion()).status_code == 404
    response = client.post(
        f"{RECEPTIONS}new/",
        {
            "station": world.station_b.pk,
            "kind": ReceptionKind.REGULAR,
            "held_at": "2024-06-20T09:00",
            "constituents_count": 1,
        },
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert list(world.station_b.receptions.all()) == [there]
    assert not Petition.objects.exists()


def test_without_a_liaison_post_the_reception_pages_stay_closed(client, world, worker):
    client.force_login(worker)
    assert client.get(RECEPTIONS).status_code == 403
    assert client.get(f"{RECEPTIONS}new/").status_code == 403
