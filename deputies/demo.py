"""Demo deputies for a fresh install, and ``scale()`` for benchmarks.

Deterministic (random.Random(seed)) and idempotent: each demo deputy is keyed on a phone number
generated from its index, so loading twice creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import random
from functools import cache

from django.db import transaction

from core.checks import DEMO_PASSWORD
from core.codes import random_code
from stations.choices import StationKind
from stations.models import Station
from stations.scope import with_rooms_q

from .choices import DeputyLevel, Gender
from .models import Deputy, StationAssignment, pinyin_keys

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_MALE = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "斌",
    "超",
    "明",
    "刚",
    "平",
    "辉",
    "鹏",
    "华",
    "飞",
    "建国",
    "建华",
    "国强",
    "志强",
    "海涛",
    "晓东",
    "文军",
    "永刚",
    "建军",
    "志明",
    "俊杰",
    "浩然",
    "宇航",
    "子豪",
    "德胜",
    "春生",
    "立新",
    "振华",
    "国庆",
    "卫东",
)
GIVEN_FEMALE = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "燕",
    "玲",
    "婷",
    "雪",
    "慧",
    "莉",
    "萍",
    "红",
    "秀英",
    "桂英",
    "玉兰",
    "丽娟",
    "海燕",
    "晓燕",
    "春梅",
    "雅婷",
    "欣怡",
    "思雨",
    "佳怡",
    "美玲",
    "秀兰",
    "婉清",
    "淑华",
    "凤英",
)
ETHNICITIES = ("汉族",) * 18 + ("回族", "满族", "畲族", "蒙古族")
# (occupation, sector) pairs as they appear on deputy lists.
OCCUPATIONS = (
    ("小学教师", "教育"),
    ("中学校长", "教育"),
    ("主治医生", "医疗卫生"),
    ("社区卫生服务中心主任", "医疗卫生"),
    ("社区党委书记", "基层干部"),
    ("村党支部书记", "基层干部"),
    ("街道办事处主任", "党政机关"),
    ("企业负责人", "企业"),
    ("民营企业董事长", "企业"),
    ("公司技术员", "企业"),
    ("一线工人", "工人"),
    ("种粮大户", "农民"),
    ("家庭农场主", "农民"),
    ("律师", "法律"),
    ("派出所所长", "政法"),
    ("网格员", "基层干部"),
    ("个体工商户", "个体"),
    ("科研人员", "科技"),
    ("退役军人服务站站长", "退役军人"),
    ("快递站站长", "新就业形态"),
)
# Few national and provincial deputies, many at district and township level.
LEVEL_WEIGHTS = (
    (DeputyLevel.NATIONAL, 2),
    (DeputyLevel.PROVINCIAL, 5),
    (DeputyLevel.MUNICIPAL, 13),
    (DeputyLevel.DISTRICT, 35),
    (DeputyLevel.TOWNSHIP, 45),
)
TERMS = {
    DeputyLevel.NATIONAL: 14,
    DeputyLevel.PROVINCIAL: 14,
    DeputyLevel.MUNICIPAL: 9,
    DeputyLevel.DISTRICT: 9,
    DeputyLevel.TOWNSHIP: 18,
}
DEMO_COUNT = 200
DEMO_LOGIN = "deputy"
DEMO_DEPUTY_NAME = "戴伟"
DEMO_STATION_NAME = "新兴街道人大代表联络站"


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _name(rng: random.Random) -> tuple[str, str]:
    gender = Gender.MALE if rng.random() < 0.55 else Gender.FEMALE
    given = GIVEN_MALE if gender == Gender.MALE else GIVEN_FEMALE
    return rng.choice(SURNAMES) + rng.choice(given), gender


def _level(rng: random.Random) -> DeputyLevel:
    levels = [level for level, _weight in LEVEL_WEIGHTS]
    return rng.choices(levels, [weight for _level, weight in LEVEL_WEIGHTS])[0]


def _constituency(level: str, station: Station | None, number: int) -> str:
    place = station.region.name if station is not None else "本地"
    if level == DeputyLevel.NATIONAL:
        return "浙江省代表团"
    if level == DeputyLevel.PROVINCIAL:
        return "嘉兴市代表团"
    return f"{place}第{number}选区"


def _homes(stations: list[Station]) -> tuple[list[Station], list[Station]]:
    homes = [s for s in stations if s.kind == StationKind.HOME] or stations
    others = [s for s in stations if s.kind in (StationKind.ROOM, StationKind.POINT)]
    return homes, others


@transaction.atomic
def load(stations: dict | None = None, stdout=None, seed: int = 20240501) -> list[Deputy]:
    """About 200 demo deputies over the stations in the database; safe to run twice."""
    from django.contrib.auth import get_user_model

    pool_qs = Station.objects.filter(is_active=True).select_related("region").order_by("pk")
    if stations:
        # The stations demo hands over its main stations; their rooms and points come along.
        ids = [s.pk for s in stations.values() if isinstance(s, Station)]
        pool_qs = pool_qs.filter(with_rooms_q(ids, "pk"))
    pool = list(pool_qs)
    homes, others = _homes(pool)
    rng = random.Random(seed)
    existing = {d.phone: d for d in Deputy.objects.filter(phone__startswith="1860573")}
    created = 0
    deputies = []
    start = dt.date(2022, 1, 1)
    for i in range(DEMO_COUNT):
        # The phone is the stable key: 1860573 + a four-digit index.
        phone = f"1860573{i:04d}"
        name, gender = _name(rng)
        level = _level(rng)
        occupation, sector = rng.choice(OCCUPATIONS)
        ethnicity = rng.choice(ETHNICITIES)
        home = homes[i % len(homes)] if homes else None
        second = rng.choice(others) if others and rng.random() < 0.25 else None
        number = rng.randint(1, 30)
        if i == 0:
            # The demo login's deputy: 戴伟 at the 新兴街道 station when the stations demo made it.
            name, gender, level = DEMO_DEPUTY_NAME, Gender.MALE, DeputyLevel.DISTRICT
            home = next((s for s in pool if s.name == DEMO_STATION_NAME), home)
        deputy = existing.get(phone)
        if deputy is None:
            deputy = Deputy.objects.create(
                name=name,
                gender=gender,
                ethnicity=ethnicity,
                level=level,
                term=TERMS[level],
                constituency=_constituency(level, home, number),
                occupation=occupation,
                sector=sector,
                phone=phone,
            )
            created += 1
        deputies.append(deputy)
        current = set(
            StationAssignment.objects.filter(deputy=deputy, end_date__isnull=True).values_list(
                "station_id", "is_primary"
            )
        )
        if home is not None and not any(primary for _s, primary in current):
            StationAssignment.objects.create(
                deputy=deputy, station=home, is_primary=True, start_date=start
            )
        if (
            second is not None
            and second.pk != getattr(home, "pk", None)
            and not any(s == second.pk for s, _p in current)
            and len(current) < 2
        ):
            StationAssignment.objects.create(
                deputy=deputy, station=second, is_primary=False, start_date=start
            )

    demo_station = next((s for s in pool if s.name == DEMO_STATION_NAME), None)
    if demo_station is not None:
        User = get_user_model()
        user, made = User.objects.get_or_create(
            username=DEMO_LOGIN, defaults={"full_name": DEMO_DEPUTY_NAME}
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save()
        dai = deputies[0]
        if dai.user_id is None and not Deputy.objects.filter(user=user).exists():
            dai.user = user
            dai.save(update_fields=["user"])
    else:
        _say(
            stdout,
            f"No station named {DEMO_STATION_NAME}: the demo login '{DEMO_LOGIN}' is not linked.\n",
        )
    _say(stdout, f"Deputies: {created} created, {DEMO_COUNT - created} already there.\n")
    return deputies


@cache
def _keys(name: str) -> tuple[str, str]:
    return pinyin_keys(name)


def scale(count: int, stdout=None, seed: int = 7) -> int:
    """Bulk-create ``count`` deputies spread over the existing stations (benchmarks only)."""
    stations = list(Station.objects.values_list("pk", flat=True))
    rng = random.Random(seed)
    start = dt.date(2022, 1, 1)
    batch = 5000
    done = 0
    # Each call numbers its phones after what is there, so two calls do not collide.
    offset = Deputy.objects.filter(phone__startswith="17").count()
    while done < count:
        size = min(batch, count - done)
        rows = []
        for n in range(done, done + size):
            name, gender = _name(rng)
            level = _level(rng)
            occupation, sector = rng.choice(OCCUPATIONS)
            name_pinyin, name_initials = _keys(name)
            rows.append(
                Deputy(
                    name=name,
                    name_pinyin=name_pinyin,
                    name_initials=name_initials,
                    gender=gender,
                    level=level,
                    term=TERMS[level],
                    occupation=occupation,
                    sector=sector,
                    phone=f"17{offset + n:09d}",
                    public_code=random_code(10),
                )
            )
        with transaction.atomic():
            made = Deputy.objects.bulk_create(rows, batch_size=1000)
            if stations:
                StationAssignment.objects.bulk_create(
                    [
                        StationAssignment(
                            deputy=d,
                            station_id=stations[rng.randrange(len(stations))],
                            is_primary=True,
                            start_date=start,
                        )
                        for d in made
                    ],
                    batch_size=1000,
                )
        done += size
        _say(stdout, f"{done}/{count} deputies\n")
    return done
