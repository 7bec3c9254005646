"""Demo data for the registry: Jiaxing city (嘉兴市) with two districts, as in the seed articles.

``load()`` is idempotent: regions by code, stations and departments by (region, name), users by
username. ``scale()`` adds many streets and stations with bulk inserts for benchmarks.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from core.checks import DEMO_PASSWORD

from .choices import RegionLevel, StaffPostKind, StationKind
from .divisions import import_divisions
from .models import ClerkScope, Department, DepartmentHandler, Region, StaffPost, Station

# district code -> [(street code suffix, street name, [(community name), ...]), ...]
STREETS = {
    "330402": [
        ("001", "新兴街道", ["新兴社区", "嘉润社区", "文昌社区"]),
        ("002", "建设街道", ["建设社区", "中山社区"]),
        ("003", "解放街道", ["解放社区", "紫阳社区"]),
        ("004", "东栅街道", ["东栅社区", "东港社区"]),
        ("005", "南湖街道", ["南湖社区", "曹庄社区"]),
        ("006", "七星街道", ["七星村", "湘家荡社区"]),
    ],
    "330411": [
        ("001", "新城街道", ["新城社区", "秀园社区"]),
        ("002", "王江泾镇", ["王江泾社区", "民主村"]),
        ("003", "油车港镇", ["油车港社区", "马厍村"]),
    ],
}
ROADS = [
    "中山路",
    "建国路",
    "勤俭路",
    "禾兴路",
    "东升路",
    "南溪路",
    "洪兴路",
    "秀洲大道",
    "新气象路",
]
HOURS = [
    "每月20日 9:00-11:30（不见不散）",
    "单月15日 14:00-17:00",
    "每周五 18:30-20:30",
    "每月第一、三个周一 9:00-11:00",
    "每季度末月15日 9:00-11:30",
    "隔周周五 14:00-16:30",
]
DEPARTMENTS = [
    "住房和城乡建设局",
    "交通运输局",
    "教育局",
    "卫生健康局",
    "生态环境分局",
    "人力资源和社会保障局",
    "公安分局",
    "综合行政执法局",
    "民政局",
    "农业农村局",
]
SIX = ["has_site", "has_staff", "has_rules", "has_plan", "has_ledgers", "has_funding"]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _region(code: str, name: str, level: str, parent: Region | None) -> Region:
    region, _created = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return region


def _station(
    rng: random.Random,
    region: Region,
    name: str,
    kind: str,
    *,
    parent=None,
    done: int = 6,
    address: str | None = None,
    hours: str | None = None,
) -> Station:
    flags = {field: i < done for i, field in enumerate(SIX)}
    station, _created = Station.objects.get_or_create(
        region=region,
        name=name,
        defaults={
            "kind": kind,
            "parent": parent,
            "address": f"嘉兴市{region.name}{rng.choice(ROADS)}{rng.randint(1, 999)}号"
            if address is None
            else address,
            "latitude": Decimal(f"{30.75 + rng.uniform(-0.08, 0.08):.6f}"),
            "longitude": Decimal(f"{120.75 + rng.uniform(-0.10, 0.10):.6f}"),
            "floor_area": None
            if kind == StationKind.ONLINE
            else Decimal(rng.choice([45, 60, 80, 120, 150, 200])),
            "opening_hours": hours if hours is not None else rng.choice(HOURS),
            "reception_notes": "接待日有区、街道人大代表轮流值班，群众可现场反映意见建议。"
            if kind == StationKind.HOME
            else "",
            "contact_phone": f"0573-8{rng.randint(2000000, 2999999)}",
            **flags,
        },
    )
    return station


def _user(username: str, full_name: str, *, superuser: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "is_superuser": superuser, "is_staff": superuser},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load(stdout=None) -> dict:
    """Create the demo city, its stations and departments and the demo logins; safe to rerun."""
    rng = random.Random(20240520)
    created, _updated = import_divisions("330000")
    _say(stdout, f"Regions of Zhejiang: {created} new")
    province = Region.objects.get(code="330000")
    city = Region.objects.get(code="330400")
    districts = {code: Region.objects.get(code=code) for code in STREETS}

    streets: dict[str, Region] = {}
    stations: dict[str, Station] = {}
    for district_code, rows in STREETS.items():
        district = districts[district_code]
        for s_index, (suffix, street_name, communities) in enumerate(rows):
            street = _region(district_code + suffix, street_name, RegionLevel.STREET, district)
            streets[street_name] = street
            community_regions = [
                _region(f"{street.code}{c + 1:03d}", name, RegionLevel.COMMUNITY, street)
                for c, name in enumerate(communities)
            ]
            home = _station(
                rng,
                street,
                f"{street_name}人大代表联络站",
                StationKind.HOME,
                done=6 - (s_index % 3),
                hours=HOURS[0] if s_index == 0 else None,
            )
            stations[street_name] = home
            for c, community in enumerate(community_regions[:3]):
                _station(
                    rng,
                    community,
                    f"{community.name}人大代表联络室",
                    StationKind.ROOM,
                    parent=home,
                    done=(3 + c + s_index) % 7,
                )
        online = _station(
            rng,
            district,
            f"{district.name}网上人大代表联络站",
            StationKind.ONLINE,
            done=4,
            address="",
            hours="24小时在线受理",
        )
        stations[f"{district.name}online"] = online
    # Points at a company and at a big construction project, as in the Nanhu article.
    _station(
        rng,
        streets["新兴街道"],
        "嘉兴科技城企业人大代表联络点",
        StationKind.POINT,
        parent=stations["新兴街道"],
        done=3,
        address="嘉兴市南湖区亚太路906号",
    )
    _station(
        rng,
        streets["七星街道"],
        "通苏嘉甬铁路项目人大代表联络点",
        StationKind.POINT,
        parent=stations["七星街道"],
        done=2,
        address="嘉兴市南湖区七星街道铁路项目部",
        hours="每月第二个周三 15:00-17:00",
    )
    _station(
        rng,
        streets["王江泾镇"],
        "王江泾纺织园区人大代表联络点",
        StationKind.POINT,
        parent=stations["王江泾镇"],
        done=4,
    )

    departments: dict[str, Department] = {}
    for district in districts.values():
        for d_index, suffix in enumerate(DEPARTMENTS):
            name = f"{district.name}{suffix}"
            departments[name], _ = Department.objects.get_or_create(
                region=district,
                name=name,
                defaults={
                    "contact_person": rng.choice(["王", "李", "陈", "沈", "徐"]) + "科长",
                    "contact_phone": f"0573-8{2100000 + d_index * 111 + int(district.code[-2:]):07d}",
                },
            )

    users = {
        "admin": _user("admin", "系统管理员", superuser=True),
        "clerk_city": _user("clerk_city", "周敏"),
        "clerk": _user("clerk", "沈建国"),
        "staff": _user("staff", "张丽"),
        "staff2": _user("staff2", "陆晓峰"),
        "handler": _user("handler", "钱伟"),
        "handler2": _user("handler2", "朱红"),
    }
    ClerkScope.objects.get_or_create(user=users["clerk_city"], region=city)
    ClerkScope.objects.get_or_create(user=users["clerk"], region=districts["330402"])
    StaffPost.objects.get_or_create(
        user=users["staff"], station=stations["新兴街道"], defaults={"post": StaffPostKind.HEAD}
    )
    StaffPost.objects.get_or_create(
        user=users["staff2"], station=stations["新城街道"], defaults={"post": StaffPostKind.LIAISON}
    )
    DepartmentHandler.objects.get_or_create(
        user=users["handler"], department=departments["南湖区住房和城乡建设局"]
    )
    DepartmentHandler.objects.get_or_create(
        user=users["handler2"], department=departments["南湖区交通运输局"]
    )
    _say(stdout, f"Stations: {Station.objects.filter(region__path__startswith=city.path).count()}")
    return {
        "province": province,
        "city": city,
        "nanhu": districts["330402"],
        "xiuzhou": districts["330411"],
        "streets": streets,
        "stations": stations,
        "station": stations["新兴街道"],
        "station2": stations["新城街道"],
        "departments": departments,
        "department": departments["南湖区住房和城乡建设局"],
        "users": users,
    }


STATIONS_PER_STREET = 10  # one station plus nine rooms and points


@transaction.atomic
def scale(stations: int, stdout=None) -> int:
    """Add about ``stations`` stations spread over Zhejiang's counties; returns how many were new."""
    import_divisions("330000")
    districts = list(Region.objects.filter(code__startswith="33", level=RegionLevel.DISTRICT))
    street_count = math.ceil(stations / STATIONS_PER_STREET)
    per_district = math.ceil(street_count / len(districts))
    if per_district > 499:
        raise ValueError("too many stations for the synthetic street codes")
    wanted: list[Region] = []
    for district in districts:
        for i in range(per_district):
            if len(wanted) == street_count:
                break
            code = f"{district.code}{500 + i:03d}"
            wanted.append(
                Region(
                    code=code,
                    name=f"{district.name}第{i + 1}街道",
                    level=RegionLevel.STREET,
                    parent=district,
                    path=f"{district.path}{code}/",
                ).fill_pinyin()
            )
    existing = set(
        Region.objects.filter(code__in=[r.code for r in wanted]).values_list("code", flat=True)
    )
    Region.objects.bulk_create([r for r in wanted if r.code not in existing], batch_size=1000)
    streets = list(Region.objects.filter(code__in=[r.code for r in wanted]))
    taken = set(Station.objects.filter(region__in=streets).values_list("region_id", "name"))
    rng = random.Random(7)
    homes = [
        Station(
            region=street,
            name=f"{street.name}人大代表联络站",
            kind=StationKind.HOME,
            address=f"{street.name}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            opening_hours=rng.choice(HOURS),
            **{f: rng.random() < 0.8 for f in SIX},
        )
        for street in streets
        if (street.pk, f"{street.name}人大代表联络站") not in taken
    ]
    Station.objects.bulk_create([s.fill_pinyin() for s in homes], batch_size=1000)
    parents = {
        s.region_id: s
        for s in Station.objects.filter(region__in=streets, kind=StationKind.HOME, parent=None)
    }
    children = []
    for street in streets:
        for j in range(1, STATIONS_PER_STREET):
            name = f"{street.name}第{j}联络{'室' if j < 7 else '点'}"
            if (street.pk, name) in taken:
                continue
            children.append(
                Station(
                    region=street,
                    name=name,
                    parent=parents.get(street.pk),
                    kind=StationKind.ROOM if j < 7 else StationKind.POINT,
                    opening_hours=rng.choice(HOURS),
                    **{f: rng.random() < 0.6 for f in SIX},
                )
            )
    Station.objects.bulk_create([s.fill_pinyin() for s in children], batch_size=1000)
    new = len(homes) + len(children)
    _say(stdout, f"Scale: {new} stations added in {len(streets)} streets")
    return new
