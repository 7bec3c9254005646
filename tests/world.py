"""The named test world: one user per role, plus outsiders of another station and district.

Users are named after their role (``world.user("staff")``):

    浙江省 (province) ── 嘉兴市 (city)
    ├── 南湖区 X (district) ── 新兴街道 S1 ── station A  (staff, deputy: 戴伟 = "deputy")
    │                       │                └─ room A-1 (child of A; run by A's staff)
    │                       └─ 建设街道 S2 ── station A2 (other_staff)
    │   departments: 南湖区住建局 (handler)
    └── 秀洲区 Y (district) ── 新城街道 S3 ── station B  (far_staff, deputy: 裴佳 = "other_deputy")
        departments: 秀洲区交通局 (other_handler)

Clerks: clerk (district X), city_clerk (the city), other_clerk (district Y). admin is the
administrator; nobody has an account and no role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.models import User
from deputies.models import Deputy
from stations.choices import RegionLevel, StationKind
from stations.models import Department, Region, Station

from . import factories as f

ROLES = (
    "admin",
    "staff",
    "other_staff",
    "far_staff",
    "clerk",
    "city_clerk",
    "other_clerk",
    "deputy",
    "other_deputy",
    "handler",
    "other_handler",
    "nobody",
)


@dataclass
class World:
    province: Region
    city: Region
    district_x: Region
    district_y: Region
    street_s1: Region
    street_s2: Region
    street_s3: Region
    station_a: Station
    room_a1: Station
    station_a2: Station
    station_b: Station
    department: Department
    other_department: Department
    deputy_dave: Deputy
    deputy_peggy: Deputy
    users: dict[str, User]

    def user(self, role: str) -> User:
        return self.users[role]


def build_world() -> World:
    province = f.RegionFactory.create(name="浙江省", code="330000", level=RegionLevel.PROVINCE)
    city = f.RegionFactory.create(
        name="嘉兴市", code="330400", level=RegionLevel.CITY, parent=province
    )
    x = f.RegionFactory.create(
        name="南湖区", code="330402", level=RegionLevel.DISTRICT, parent=city
    )
    y = f.RegionFactory.create(
        name="秀洲区", code="330411", level=RegionLevel.DISTRICT, parent=city
    )
    s1 = f.RegionFactory.create(
        name="新兴街道", code="330402001", level=RegionLevel.STREET, parent=x
    )
    s2 = f.RegionFactory.create(
        name="建设街道", code="330402002", level=RegionLevel.STREET, parent=x
    )
    s3 = f.RegionFactory.create(
        name="新城街道", code="330411001", level=RegionLevel.STREET, parent=y
    )
    station_a = f.StationFactory.create(name="新兴街道人大代表联络站", region=s1)
    room_a1 = f.StationFactory.create(
        name="新兴社区联络室", region=s1, kind=StationKind.ROOM, parent=station_a
    )
    station_a2 = f.StationFactory.create(name="建设街道人大代表联络站", region=s2)
    station_b = f.StationFactory.create(name="新城街道人大代表联络站", region=s3)
    department = f.DepartmentFactory.create(name="南湖区住建局", region=x)
    other_department = f.DepartmentFactory.create(name="秀洲区交通局", region=y)

    users = {role: f.UserFactory.create(username=role) for role in ROLES}
    users["admin"].is_superuser = users["admin"].is_staff = True
    users["admin"].save()
    users["staff"].full_name = "张爱丽"
    users["staff"].save()
    f.StaffPostFactory.create(user=users["staff"], station=station_a)
    f.StaffPostFactory.create(user=users["other_staff"], station=station_a2)
    f.StaffPostFactory.create(user=users["far_staff"], station=station_b)
    f.ClerkScopeFactory.create(user=users["clerk"], region=x)
    f.ClerkScopeFactory.create(user=users["city_clerk"], region=city)
    f.ClerkScopeFactory.create(user=users["other_clerk"], region=y)
    f.DepartmentHandlerFactory.create(user=users["handler"], department=department)
    f.DepartmentHandlerFactory.create(user=users["other_handler"], department=other_department)
    dave = f.DeputyFactory.create(name="戴伟", user=users["deputy"], phone="13800138000")
    peggy = f.DeputyFactory.create(name="裴佳", user=users["other_deputy"], phone="13900139000")
    f.StationAssignmentFactory.create(
        deputy=dave, station=station_a, start_date=dt.date(2022, 1, 1)
    )
    f.StationAssignmentFactory.create(
        deputy=peggy, station=station_b, start_date=dt.date(2022, 1, 1)
    )
    return World(
        province=province,
        city=city,
        district_x=x,
        district_y=y,
        street_s1=s1,
        street_s2=s2,
        street_s3=s3,
        station_a=station_a,
        room_a1=room_a1,
        station_a2=station_a2,
        station_b=station_b,
        department=department,
        other_department=other_department,
        deputy_dave=dave,
        deputy_peggy=peggy,
        users=users,
    )
