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


def make_appointment(world, **kw):
    data = {
        "station": world.station_a,
        "topic": "想和代表谈谈小区停车难",
        "preferred_time": "工作日上午",
        "name": "李建国",
        "phone": "13900001111",
        "consent": True,
        "deputy": world.deputy_dave,
    }
    data.update(kw)
    return services.appointment_book(**data)


def make_meeting(world, **kw):
    import datetime as dt

    from django.utils import timezone

    data = {
        "actor": world.user("staff"),
        "station": world.station_a,
        "topic": "老旧小区改造进度",
        "held_at": timezone.make_aware(dt.datetime(2099, 6, 1, 9, 30)),
        "deputies": [world.deputy_dave],
        "departments": [world.department],
        "heads_present": "区住建局副局长",
        "open_for_booking": True,
    }
    data.update(kw)
    return services.meeting_create(**data)


def make_item(world, meeting=None):
    meeting = meeting or make_meeting(world)
    return services.meeting_item_add(
        actor=world.user("staff"),
        meeting=meeting,
        raised_by=world.deputy_dave,
        department=world.department,
        title="加装电梯审批慢",
        content="3个小区的加装电梯申请已等待半年。",
    )
