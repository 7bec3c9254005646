"""Demo petitions walked through the closed loop by the real services (so timelines exist).

Run after stations/demo.py and deputies/demo.py. Safe to rerun: skips when demo petitions exist.
Dates are moved back over the last 12 months with queryset updates afterwards (demo only).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from deputies.models import Deputy
from stations.models import Department, Station

from . import services
from .choices import Channel, FeedbackMethod, ReceptionKind, Status, Tier, Urgency
from .models import Category, Petition, PetitionEvent, Reception
from .submission import Submission
from .supervision import follow

MARKER = "demo:"

# (title, content, location, category name, tier, target status, days ago)
CASES = [
    (
        "小区加装电梯",
        "幸福小区建于1995年，六层无电梯，老人上下楼困难，希望推进加装电梯。",
        "幸福小区",
        Tier.STREET,
        Status.CLOSED,
        330,
    ),
    (
        "路灯不亮",
        "文昌路与中山路交叉口附近三盏路灯不亮已一个多月，夜间出行不安全。",
        "文昌路口",
        Tier.COMMUNITY,
        Status.CLOSED,
        300,
    ),
    (
        "学校门口交通拥堵",
        "实验小学放学时段校门口车辆乱停，交通拥堵，存在安全隐患。",
        "实验小学门口",
        Tier.STREET,
        Status.CLOSED,
        270,
    ),
    (
        "河道污染",
        "长水塘部分河段水体发黑发臭，岸边有生活垃圾，希望加强治理。",
        "长水塘",
        Tier.SUGGESTION,
        Status.FEEDBACK_GIVEN,
        200,
    ),
    (
        "菜市场改造",
        "新兴农贸市场地面湿滑、通风差，建议提升改造。",
        "新兴农贸市场",
        Tier.STREET,
        Status.REPLIED,
        150,
    ),
    (
        "老旧小区改造",
        "建设新村管网老化，雨天路面积水，希望纳入老旧小区改造计划。",
        "建设新村",
        Tier.STREET,
        Status.HANDLING,
        60,
    ),
    (
        "公交站台增设雨棚",
        "东栅公交站没有雨棚，雨天候车不便。",
        "东栅公交站",
        Tier.STREET,
        Status.HANDLING,
        40,
    ),
    (
        "社区养老服务中心增加助餐点",
        "社区老人多，希望增设老年食堂助餐点。",
        "新兴社区",
        Tier.STREET,
        Status.ASSIGNED,
        5,
    ),
    (
        "小区停车难",
        "夜间停车位紧张，车辆占用消防通道，建议规划新增停车位。",
        "阳光小区",
        Tier.STREET,
        Status.TRIAGED,
        3,
    ),
    (
        "广场舞噪音扰民",
        "晚上九点后广场舞音响声音过大，影响休息。",
        "市民广场",
        Tier.COMMUNITY,
        Status.ACCEPTED,
        2,
    ),
    (
        "建议增设口袋公园",
        "片区缺少休闲空间，建议利用闲置地块建设口袋公园。",
        "南溪路闲置地块",
        Tier.SUGGESTION,
        Status.SUBMITTED,
        1,
    ),
    # Supervision: late cases that the sweep escalates.
    (
        "背街小巷路面破损",
        "南湖路背街小巷路面坑洼，雨后积水严重。",
        "南湖路",
        Tier.STREET,
        "overdue:3",
        80,
    ),
    (
        "农贸市场周边占道经营",
        "市场周边流动摊贩占道，影响通行。",
        "新兴农贸市场周边",
        Tier.STREET,
        "overdue:2",
        45,
    ),
    (
        "垃圾分类投放点异味",
        "小区垃圾分类投放点清运不及时，夏季异味大。",
        "幸福小区",
        Tier.STREET,
        "overdue:1",
        30,
    ),
    # The other ends of the loop.
    (
        "楼道照明维修",
        "3幢楼道感应灯损坏，多次报修未修好。",
        "幸福小区3幢",
        Tier.STREET,
        "reopened",
        120,
    ),
    (
        "要求退还个人借款",
        "与他人的民间借贷纠纷，希望代表帮忙要回借款。",
        "",
        None,
        Status.DECLINED,
        100,
    ),
    ("路灯不亮（重复反映）", "文昌路口路灯不亮，再次反映。", "文昌路口", None, Status.MERGED, 298),
    (
        "健身器材损坏",
        "社区健身器材多处损坏，存在安全隐患。",
        "新兴社区",
        Tier.STREET,
        "unrated",
        90,
    ),
]

PEOPLE = ["王芳", "李建华", "陈秀英", "刘洋", "赵敏", "孙志强", "周丽", "吴刚", "郑晓燕", "冯伟"]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def load(stdout=None) -> list[Petition]:
    """Create the demo receptions and petitions; returns them (empty if already there)."""
    if PetitionEvent.objects.filter(petition__created_by__username="staff").exists():
        _say(stdout, "Demo petitions already exist.\n")
        return []
    User = get_user_model()
    staff = User.objects.filter(username="staff").first()
    handler = User.objects.filter(username="handler").first()
    station = (
        Station.objects.filter(staff_posts__user=staff).order_by("pk").first() if staff else None
    )
    department = (
        Department.objects.filter(handlers__user=handler).order_by("pk").first()
        if handler
        else None
    )
    if not (staff and handler and station and department):
        _say(
            stdout, "Demo petitions skipped: run the stations demo first (users staff, handler).\n"
        )
        return []
    deputies = list(
        Deputy.objects.filter(
            assignments__station=station, assignments__end_date__isnull=True, is_active=True
        ).order_by("pk")[:4]
    )
    dai = Deputy.objects.filter(name="戴伟").first()
    if dai is not None and dai not in deputies:
        deputies.insert(0, dai)
    with transaction.atomic():
        made = _load(stdout, staff, handler, station, department, deputies)
    with transaction.atomic():
        made += load_background(stdout, skip_station=station)
    return made


def _load(stdout, staff, handler, station, department, deputies) -> list[Petition]:
    rng = random.Random(20240601)
    now = timezone.now()
    categories = list(Category.objects.filter(is_active=True)) or [
        Category.objects.create(name="城乡建设")
    ]
    receptions = []
    for i, days in enumerate((330, 300, 270, 200, 150, 120, 80, 60, 30, 5)):
        r = Reception.objects.create(
            station=station,
            kind=ReceptionKind.THEMED if i % 3 == 0 else ReceptionKind.REGULAR,
            topic="老旧小区改造专题接待" if i % 3 == 0 else "",
            held_at=now - dt.timedelta(days=days),
            constituents_count=rng.randint(6, 25),
            created_by=staff,
        )
        r.deputies.set(deputies[:2])
        r.departments.add(department)
        receptions.append((days, r))

    made: list[Petition] = []
    originals: dict[str, Petition] = {}
    for n, (title, content, location, tier, target, days) in enumerate(CASES):
        reception = min(receptions, key=lambda x: abs(x[0] - days))[1]
        deputy = deputies[n % len(deputies)] if deputies else None
        name = PEOPLE[n % len(PEOPLE)]
        p = services.petition_submit(
            actor=staff,
            submission=Submission(
                station=station,
                channel=Channel.RECEPTION if n % 2 == 0 else Channel.PHONE,
                reception=reception if n % 2 == 0 else None,
                deputy=deputy if n % 2 == 0 else None,
                title=title,
                content=content,
                constituent_name=name,
                phone=f"13{rng.randint(500000000, 999999999)}",
                address=f"嘉兴市南湖区{location or '新兴街道'}",
                category=rng.choice(categories),
                location_text=location,
                consent=True,
                idempotency_key=f"{MARKER}{n}",
            ),
        )
        _walk(p, target, tier, staff, handler, department, deputy, categories, rng, originals)
        originals.setdefault(title, p)
        _backdate(p, days, now, target)
        made.append(p)
    # Supervise the late ones the way beat would.
    from .tasks import run_auto_close, run_sweep

    run_sweep()
    run_auto_close()
    _say(stdout, f"Demo petitions: {len(made)} created at {station}.\n")
    return made


def _walk(p, target, tier, staff, handler, department, deputy, categories, rng, originals) -> None:
    s = services
    if target == Status.SUBMITTED:
        return
    if target == Status.DECLINED:
        s.petition_decline(
            actor=staff, petition=p, reason="属于民事纠纷，建议通过人民调解或诉讼途径解决。"
        )
        return
    if target == Status.MERGED:
        s.petition_merge(actor=staff, petition=p, into=originals["路灯不亮"])
        return
    s.petition_accept(actor=deputy.user if deputy and deputy.user_id else staff, petition=p)
    if target == Status.ACCEPTED:
        return
    s.petition_triage(
        actor=staff,
        petition=p,
        category=rng.choice(categories),
        urgency=Urgency.URGENT if rng.random() < 0.2 else Urgency.NORMAL,
        tier=tier,
    )
    if target == Status.TRIAGED:
        return
    if tier == Tier.COMMUNITY:
        s.petition_resolve_on_spot(
            actor=staff, petition=p, resolution="社区已联系物业现场维修，当天恢复。"
        )
    else:
        s.petition_assign(actor=staff, petition=p, lead_department=department)
        if target == Status.ASSIGNED:
            return
        s.petition_receive(actor=handler, petition=p)
        if target == Status.HANDLING or str(target).startswith("overdue"):
            return
        s.petition_reply(
            actor=handler,
            petition=p,
            body="经现场核查，已制定整改方案并组织实施，预计本季度内完成。",
        )
    if target == Status.REPLIED:
        return
    s.petition_give_feedback(
        actor=staff, petition=p, method=FeedbackMethod.PHONE, note="电话告知办理结果"
    )
    if target in (Status.FEEDBACK_GIVEN, "unrated"):
        return
    if target == "reopened":
        _rate_online(p, "unsatisfied", "灯修了一周又坏了")
        return
    satisfaction = rng.choice(["satisfied", "satisfied", "basic"])
    if p.pk % 3 == 0:
        # 电话回访: the station asked by phone and wrote the answer down.
        s.petition_record_rating(
            actor=staff, petition=p, satisfaction=satisfaction, method=FeedbackMethod.PHONE
        )
    else:
        _rate_online(p, satisfaction)
    if deputy and deputy.user_id:
        s.petition_rate_deputy(actor=deputy.user, petition=p, satisfaction="satisfied")


def _rate_online(p: Petition, satisfaction: str, comment: str = "") -> Petition:
    """The constituent rates on the tracking page with the code the SMS brought them."""
    code = services.rating_code_issue(petition=p)
    return services.petition_rate_by_constituent(
        tracking_code=p.tracking_code, rating_code=code, satisfaction=satisfaction, comment=comment
    )


def _backdate(p: Petition, days: int, now, target) -> None:
    """Spread the case's timeline over ``days`` back from now (demo only: bypasses services)."""
    shift = dt.timedelta(days=days)
    events = list(
        PetitionEvent.objects.filter(petition=p).order_by("pk").values_list("pk", flat=True)
    )
    step = dt.timedelta(days=max(days - 1, 1) / max(len(events), 1))
    for i, pk in enumerate(events):
        PetitionEvent.objects.filter(pk=pk).update(created_at=now - shift + step * i)
    settle = dt.timedelta(days=min(days - 1, 7)) if days > 1 else dt.timedelta(0)
    updates: dict = {"submitted_at": now - shift}
    # Space the steps the way real cases run (accepted the next day, assigned on the second,
    # replied one to four weeks later, closed a few days after that), never beyond today;
    # a step the case never reached stays empty.
    reply_days = min(3 + (p.pk * 7) % 28, max(days - 4, 0))
    offsets = {
        "accepted_at": min(1, days),
        "assigned_at": min(2, days),
        "replied_at": min(2 + reply_days, days),
        "closed_at": min(2 + reply_days + 4, days),
    }
    for field, offset in offsets.items():
        moment = now - shift + dt.timedelta(days=offset)
        updates[field] = Case(When(**{f"{field}__isnull": False}, then=Value(moment)), default=None)
    today = timezone.localdate()
    if str(target).startswith("overdue:"):
        late = {"1": 2, "2": 10, "3": 30}[str(target).split(":")[1]]
        updates["deadline"] = today - dt.timedelta(days=late)
    elif target in (Status.CLOSED, Status.REPLIED, Status.FEEDBACK_GIVEN, "unrated"):
        updates["deadline"] = F("deadline") - shift + settle
    if target == "unrated":
        updates["feedback_at"] = now - dt.timedelta(days=40)
    elif target == Status.CLOSED:
        updates["feedback_at"] = now - shift + dt.timedelta(days=min(2 + reply_days + 2, days))
    Petition.objects.filter(pk=p.pk).update(**updates)
    follow(Petition.objects.get(pk=p.pk), restart=False)  # the supervised deadline moved too


# Everyday requests for the other stations, so the clerks' dashboards have a city to look at.
BACKGROUND_TITLES = [
    ("小区停车位不足", "小区车位严重不足，夜间车辆占用消防通道，希望规划增设停车位。"),
    ("道路坑洼积水", "路面多处坑洼，雨天积水严重，电动车出行易摔倒。"),
    ("增设公交线路", "新建小区周边没有公交线路，居民上班和老人就医不便。"),
    ("垃圾清运不及时", "小区垃圾桶满溢，清运不及时，夏季异味大。"),
    ("噪音扰民", "附近工地夜间施工噪音大，影响居民休息。"),
    ("幼儿园学位紧张", "片区适龄儿童多，公办幼儿园学位紧张，希望增加学位。"),
    ("社区卫生服务站", "社区卫生服务站药品种类少，建议增加常用慢性病药品。"),
    ("养老服务", "建议在社区增设日间照料中心，为高龄独居老人提供助餐服务。"),
    ("农田灌溉渠道破损", "村里灌溉渠道多处破损漏水，影响春耕用水。"),
    ("河道保洁", "河道漂浮物多，希望增加保洁频次。"),
    ("电动车充电桩", "小区缺少电动车集中充电设施，居民私拉电线存在安全隐患。"),
    ("小区物业服务差", "物业公司服务质量下降，绿化和保洁无人管理。"),
    ("菜场周边交通秩序", "早市时段菜场门口摊贩占道，交通秩序混乱。"),
    ("城乡居民医保缴费", "老年人不会使用手机缴纳医保，希望社区提供现场帮办。"),
    ("就业技能培训", "希望为失业人员和返乡青年开设电商和家政技能培训班。"),
    ("路口增设红绿灯", "十字路口车流量大，无信号灯，事故多发。"),
    ("健身设施老化", "公园健身器材老化损坏，存在安全隐患。"),
    ("企业用工难", "园区企业招工难，建议搭建用工对接平台。"),
]
BACKGROUND_PEOPLE = [
    "周建国",
    "吴秀英",
    "郑海峰",
    "冯丽娟",
    "褚志强",
    "卫红梅",
    "蒋德明",
    "沈玉兰",
    "韩卫东",
    "杨桂芳",
]


def _background_target(rng: random.Random, days: int):
    """A plausible status for a case submitted ``days`` ago: old cases are mostly closed."""
    roll = rng.random()
    if days > 120:
        table = [(0.82, Status.CLOSED), (0.87, "unrated"), (0.92, Status.DECLINED), (1, "reopened")]
    elif days > 45:
        table = [
            (0.5, Status.CLOSED),
            (0.62, Status.REPLIED),
            (0.72, Status.FEEDBACK_GIVEN),
            (0.8, "overdue:2"),
            (0.86, "overdue:3"),
            (0.92, Status.DECLINED),
            (1, "reopened"),
        ]
    elif days > 10:
        table = [
            (0.3, Status.HANDLING),
            (0.5, Status.REPLIED),
            (0.7, Status.CLOSED),
            (0.8, Status.ASSIGNED),
            (0.92, "overdue:1"),
            (1, Status.TRIAGED),
        ]
    else:
        table = [
            (0.3, Status.SUBMITTED),
            (0.6, Status.ACCEPTED),
            (0.8, Status.TRIAGED),
            (1, Status.ASSIGNED),
        ]
    return next(target for limit, target in table if roll <= limit)


def load_background(stdout=None, *, skip_station=None, per_station=(3, 8)) -> list[Petition]:
    """A few cases at every other active station, over the last 12 months, through the services."""
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return []
    rng = random.Random(20261122)
    now = timezone.now()
    categories = list(Category.objects.filter(is_active=True))
    stations = list(
        Station.objects.filter(is_active=True)
        .exclude(pk__in=[skip_station.pk] if skip_station is not None else [])
        .select_related("region")
        .order_by("pk")
    )
    departments = list(Department.objects.filter(is_active=True).select_related("region"))
    made: list[Petition] = []
    for station in stations:
        local = [d for d in departments if station.region.path.startswith(d.region.path)]
        if not local:
            continue
        deputies = list(
            Deputy.objects.filter(
                assignments__station=station, assignments__end_date__isnull=True, is_active=True
            ).order_by("pk")[:3]
        )
        receptions = []
        for days in (300, 240, 180, 120, 60, 20):
            r = Reception.objects.create(
                station=station,
                kind=ReceptionKind.REGULAR,
                held_at=now - dt.timedelta(days=days, hours=rng.randint(0, 5)),
                constituents_count=rng.randint(3, 20),
                created_by=admin,
            )
            r.deputies.set(deputies[:2])
            receptions.append((days, r))
        for n in range(rng.randint(*per_station)):
            title, content = rng.choice(BACKGROUND_TITLES)
            days = rng.randint(1, 350)
            deputy = rng.choice(deputies) if deputies else None
            reception = min(receptions, key=lambda x: abs(x[0] - days))[1]
            online = station.kind == "online"
            p = services.petition_submit(
                actor=admin,
                submission=Submission(
                    station=station,
                    channel=Channel.ONLINE
                    if online
                    else rng.choice([Channel.RECEPTION, Channel.STATION_QR, Channel.PHONE]),
                    reception=None if online else reception,
                    deputy=deputy,
                    title=title,
                    content=content,
                    constituent_name=rng.choice(BACKGROUND_PEOPLE),
                    phone=f"13{rng.randint(500000000, 999999999)}",
                    address=f"{station.region.name}{rng.randint(1, 200)}号",
                    category=rng.choice(categories) if categories else None,
                    consent=True,
                    idempotency_key=f"{MARKER}bg:{station.pk}:{n}",
                ),
            )
            target = _background_target(rng, days)
            tier = rng.choice([Tier.COMMUNITY, Tier.STREET, Tier.STREET, Tier.SUGGESTION])
            if str(target).startswith("overdue") or target in (Status.ASSIGNED, Status.HANDLING):
                tier = Tier.STREET  # these need a department
            _walk(p, target, tier, admin, admin, rng.choice(local), None, categories, rng, {})
            _backdate(p, days, now, target)
            made.append(p)
    _say(stdout, f"Demo petitions: {len(made)} more at {len(stations)} other stations.\n")
    return made
