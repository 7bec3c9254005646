"""Rows the ties tests and the role matrix need, made through the services."""

from __future__ import annotations

import datetime as dt

from ties import services

PAIR_PHONE = "13712345678"


def make_pair(world, **kw):
    """A constituent paired with 戴伟 (station A), as his station's staff records it."""
    data = {
        "actor": world.user("staff"),
        "deputy": world.deputy_dave,
        "name": "王秀英",
        "phone": PAIR_PHONE,
        "address": "幸福里小区3幢",
        "consent_on": dt.date(2024, 3, 1),
    }
    data.update(kw)
    return services.pair_create(**data)


def make_contact(world, pair=None, opinion="小区门口路灯不亮,希望尽快修复"):
    pair = pair or make_pair(world)
    return services.contact_log(
        actor=world.user("deputy"),
        pair=pair,
        kind="visit",
        on=dt.date(2024, 3, 5),
        note="老人独居,腿脚不便",
        opinion=opinion,
    )


def make_grid(world, name="幸福里网格", worker=None, station=None, community=None):
    """A grid of 新兴社区 (under street S1) served by station A; ``worker`` gets a grid-worker
    post at the station (the limited, part-time liaison post)."""
    from stations.choices import RegionLevel, StaffPostKind
    from tests import factories as f
    from ties.models import Grid

    community = community or f.RegionFactory(
        name="新兴社区", code="330402001001", level=RegionLevel.COMMUNITY, parent=world.street_s1
    )
    station = station or world.station_a
    if worker is not None:
        f.StaffPostFactory(user=worker, station=station, post=StaffPostKind.GRID_WORKER)
    return Grid.objects.create(name=name, community=community, station=station, worker=worker)


def make_district(world, deputies=None, name="南湖区第3选区"):
    from deputies.choices import DeputyLevel
    from ties.models import ElectoralDistrict

    district = ElectoralDistrict.objects.create(
        name=name, region=world.district_x, level=DeputyLevel.DISTRICT
    )
    district.deputies.set(deputies or [world.deputy_dave])
    return district


def make_reportback(world, district=None, speakers=None, attendees=3, held_on=None):
    district = district or make_district(world)
    return services.reportback_create(
        actor=world.user("clerk"),
        district=district,
        held_on=held_on or dt.date(2024, 5, 20),
        place="新兴街道联络站",
        station=world.station_a,
        speakers=speakers or [(world.deputy_dave, "oral")],
        attendees=attendees,
    )
