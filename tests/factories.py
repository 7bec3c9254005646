"""factory_boy factories for the base layers. Petition factories live in tests/petitions/."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from core.models import User
from deputies.choices import DeputyLevel, Gender
from deputies.models import Deputy, StationAssignment
from stations.choices import RegionLevel, StaffPostKind, StationKind
from stations.models import ClerkScope, Department, DepartmentHandler, Region, StaffPost, Station

# Every factory-made user's password (the browser tests sign in with it).
PASSWORD = "pass-for-tests-123"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password(PASSWORD)


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"区域{n}")
    code = factory.Sequence(lambda n: f"9{n:05d}")
    level = RegionLevel.DISTRICT


class StationFactory(DjangoModelFactory[Station]):
    class Meta:
        model = Station

    name = factory.Sequence(lambda n: f"联络站{n}")
    kind = StationKind.HOME
    region = factory.SubFactory(RegionFactory)
    address = "人民路1号"
    opening_hours = "每月20日 9:00-11:30"
    contact_phone = "0573-82000000"


class StaffPostFactory(DjangoModelFactory[StaffPost]):
    class Meta:
        model = StaffPost

    user = factory.SubFactory(UserFactory)
    station = factory.SubFactory(StationFactory)
    post = StaffPostKind.HEAD


class ClerkScopeFactory(DjangoModelFactory[ClerkScope]):
    class Meta:
        model = ClerkScope

    user = factory.SubFactory(UserFactory)
    region = factory.SubFactory(RegionFactory)


class DepartmentFactory(DjangoModelFactory[Department]):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"住建局{n}")
    region = factory.SubFactory(RegionFactory)
    contact_person = "王科长"
    contact_phone = "13900001111"


class DepartmentHandlerFactory(DjangoModelFactory[DepartmentHandler]):
    class Meta:
        model = DepartmentHandler

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class DeputyFactory(DjangoModelFactory[Deputy]):
    class Meta:
        model = Deputy

    name = factory.Sequence(lambda n: f"代表{n}")
    gender = Gender.MALE
    level = DeputyLevel.DISTRICT
    term = 18
    phone = factory.Sequence(lambda n: f"138{n:08d}")


class StationAssignmentFactory(DjangoModelFactory[StationAssignment]):
    class Meta:
        model = StationAssignment

    deputy = factory.SubFactory(DeputyFactory)
    station = factory.SubFactory(StationFactory)
    is_primary = True
    start_date = dt.date(2022, 1, 1)
