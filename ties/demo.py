"""Demo rows for every ties feature, made through the services: terms (届) for every deputy,
pairs and contacts, a committee pairing, grids with a grid worker (login ``gridworker``), an
electoral district with two report-backs and evaluations, appointments and a themed meeting.

Run after the registry, deputies and petitions demos. Safe to rerun: terms are added only to
deputies without one; the rest is skipped when 戴伟's demo pairs exist.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.checks import DEMO_PASSWORD
from deputies.choices import DeputyLevel
from deputies.models import Deputy, DeputyTerm, StationAssignment
from petitions import services as petition_services
from petitions.choices import Channel, FeedbackMethod, ReceptionKind, Tier, Urgency
from petitions.models import Category, Reception
from petitions.submission import Submission
from stations.choices import RegionLevel, StaffPostKind
from stations.models import Department, Region, StaffPost

from . import services
from .models import ConstituentPair, ElectoralDistrict, Grid

# The current terms (届) of the five levels in the demo city: the 2021 county and township
# elections, the 2022 city and the 2023 province and national congresses.
TERMS: dict[str, tuple[int, dt.date, dt.date]] = {
    DeputyLevel.NATIONAL: (14, dt.date(2023, 3, 5), dt.date(2028, 3, 4)),
    DeputyLevel.PROVINCIAL: (14, dt.date(2023, 1, 12), dt.date(2028, 1, 11)),
    DeputyLevel.MUNICIPAL: (9, dt.date(2022, 2, 20), dt.date(2027, 2, 19)),
    DeputyLevel.DISTRICT: (9, dt.date(2021, 12, 20), dt.date(2026, 12, 19)),
    DeputyLevel.TOWNSHIP: (18, dt.date(2021, 12, 1), dt.date(2026, 11, 30)),
}
PAIRS = (
    ("王秀英", "13712340001", "幸福里小区3幢"),
    ("陈志强", "13712340002", "幸福里小区7幢"),
    ("刘桂兰", "13712340003", ""),
    ("周国平", "13712340004", "和平新村12幢"),
    ("吴美华", "13712340005", ""),
    ("郑海涛", "13712340006", "和平新村2幢"),
)
GRIDS = ("幸福里网格", "和平新村网格", "建设路网格", "长水塘网格")


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def load_terms() -> int:
    """A term for every deputy without one (set-based, so the scaled demo is quick too)."""
    rows = [
        DeputyTerm(
            deputy_id=pk,
            level=level,
            number=TERMS[level][0],
            start=TERMS[level][1],
            end=TERMS[level][2],
        )
        for pk, level in Deputy.objects.filter(terms__isnull=True).values_list("pk", "level")
        if level in TERMS
    ]
    DeputyTerm.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def load(stdout=None) -> dict:
    made_terms = load_terms()
    User = get_user_model()
    users = {
        n: User.objects.filter(username=n).first() for n in ("deputy", "staff", "clerk", "handler")
    }
    dai = Deputy.objects.filter(user=users["deputy"]).first() if users["deputy"] else None
    if None in (*users.values(), dai):
        _say(stdout, f"Ties: {made_terms} terms; the rest skipped (demo logins missing).\n")
        return {}
    if ConstituentPair.objects.filter(deputy=dai).exists():
        _say(stdout, f"Ties: {made_terms} terms; demo pairs already exist.\n")
        return {}
    with transaction.atomic():
        result = _make(users, dai)  # type: ignore[arg-type]  # dai checked above
    _say(stdout, f"Ties: {made_terms} terms, pairs, grids, report-backs, appointments.\n")
    return result


def _make(users, dai: Deputy) -> dict:
    staff, clerk, handler = users["staff"], users["clerk"], users["handler"]
    station = StationAssignment.objects.get(
        deputy=dai, is_primary=True, end_date__isnull=True
    ).station
    today = timezone.localdate()
    colleague_ids = StationAssignment.objects.filter(
        end_date__isnull=True,
        station__region__path__startswith=(station.region.parent or station.region).path,
    ).values("deputy_id")
    colleagues = list(
        Deputy.objects.active().filter(pk__in=colleague_ids).exclude(pk=dai.pk).order_by("pk")[:12]
    )
    here = [
        d
        for d in colleagues
        if StationAssignment.objects.filter(
            deputy=d, station=station, end_date__isnull=True
        ).exists()
    ]

    # Pairing (结对): 戴伟 with six constituents, contacts, one opinion made a case.
    pairs = [
        services.pair_create(
            actor=staff,
            deputy=dai,
            name=n,
            phone=p,
            address=a,
            consent_on=today - dt.timedelta(days=200),
        )
        for n, p, a in PAIRS
    ]
    for i, pair in enumerate(pairs):
        services.contact_log(
            actor=users["deputy"],
            pair=pair,
            kind=("visit", "phone", "wechat")[i % 3],
            on=today - dt.timedelta(days=10 + 7 * i),
            note="身体状况良好,子女在外地工作" if i % 2 == 0 else "",
            opinion="小区门口路灯不亮,晚上出行不便,希望尽快修复" if i < 3 else "",
        )
    services.contact_raise_case(actor=users["deputy"], contact=pairs[0].contacts.get())
    for d in here[:2]:
        services.pair_create(
            actor=staff,
            deputy=d,
            name=f"{d.name[0]}家联系户",
            phone="13712349999",
            consent_on=today,
        )
    if len(colleagues) >= 7:
        services.committee_pairing_set(actor=clerk, member=colleagues[0], deputies=colleagues[1:7])

    # Grids (网格) under a community of the station's street, with a grid worker.
    community = Region.objects.filter(parent=station.region, level=RegionLevel.COMMUNITY).first()
    if community is None:
        community = Region.objects.create(
            name="新兴社区",
            code=f"{station.region.code}901",
            level=RegionLevel.COMMUNITY,
            parent=station.region,
        )
    worker, created = get_user_model().objects.get_or_create(
        username="gridworker", defaults={"full_name": "钱网格"}
    )
    if created:
        worker.set_password(DEMO_PASSWORD)
        worker.save(update_fields=["password"])
    StaffPost.objects.get_or_create(
        user=worker, station=station, defaults={"post": StaffPostKind.GRID_WORKER}
    )
    # Made by the district's clerk through the grid pages' service (recorded as a change).
    grids = [
        Grid.objects.filter(community=community, name=name).first()
        or services.grid_save(
            actor=clerk,
            fields={
                "name": name,
                "community": community,
                "station": station,
                "worker": worker,
                "households": 300 + 40 * i,
            },
        )
        for i, name in enumerate(GRIDS)
    ]
    services.deputy_grids_set(actor=staff, deputy=dai, grids=grids[:2])
    for d, grid in zip(here[:1], grids[2:3], strict=False):
        services.deputy_grids_set(actor=staff, deputy=d, grids=[grid])
    # grids[3] stays without a deputy: the coverage page shows it.
    services.grid_opinion_record(
        actor=worker,
        grid=grids[0],
        title="楼道堆物存在消防隐患",
        content="幸福里小区3幢楼道长期堆放杂物,居民担心消防安全。",
        constituent_name="赵大妈",
        phone="13611112222",
    )
    # The grid worker helped at a reception day and logged it on the station's reception pages.
    helped = Reception.objects.create(
        station=station,
        kind=ReceptionKind.REGULAR,
        topic="网格员协助接待:幸福里小区",
        held_at=timezone.now() - dt.timedelta(days=3),
        constituents_count=4,
        created_by=worker,
    )
    helped.deputies.add(dai)
    petition_services.petition_submit(
        actor=worker,
        submission=Submission(
            station=station,
            channel=Channel.RECEPTION,
            reception=helped,
            deputy=dai,
            title="小区门口路灯不亮",
            content="幸福里小区5幢门口路灯坏了两周,夜间出行不便。",
            constituent_name="孙阿姨",
            phone="13755556666",
            consent=True,
        ),
    )

    # Report-backs (述职) of an electoral district of 戴伟's level.
    members = [dai, *colleagues[:9]]
    district = services.district_save(
        actor=clerk,
        district=ElectoralDistrict.objects.filter(name="南湖区第3选区").first(),
        fields={
            "name": "南湖区第3选区",
            "region": station.region.parent or station.region,
            "level": dai.level,
        },
        deputies=members,
    )
    first = services.reportback_create(
        actor=clerk,
        district=district,
        held_on=dt.date(2022, 12, 28),
        place=station.name,
        station=station,
        speakers=[(dai, "oral"), *[(d, "written") for d in members[1:3]]],
        attendees=8,
    )
    services.reportback_create(
        actor=clerk,
        district=district,
        held_on=today - dt.timedelta(days=40),
        place=station.name,
        station=station,
        speakers=[(d, "oral") for d in members[3:5]],
        attendees=6,
    )
    speakers = list(first.speakers.all())
    for i, code in enumerate(first.codes.all()[:6]):
        ratings = {
            s.pk: ("satisfied", "satisfied", "basic", "unsatisfied")[(i + s.pk) % 4]
            for s in speakers
        }
        services.reportback_evaluate(
            session=first, code=code.code, ratings=ratings, on_paper=i % 2 == 0, actor=staff
        )

    # Appointments (约访 / 点单式接待) and a themed meeting (代表出题 → 部门到场).
    department = Department.objects.filter(handlers__user=handler).first()
    meeting = services.meeting_create(
        actor=staff,
        station=station,
        topic="老旧小区加装电梯推进情况",
        held_at=timezone.now() + dt.timedelta(days=14),
        deputies=[dai, *here[:1]],
        departments=[department] if department else [],
        heads_present="区住建局副局长",
        open_for_booking=True,
    )
    booked = [
        services.appointment_book(
            station=station,
            topic=t,
            preferred_time=w,
            name=n,
            phone=p,
            consent=True,
            deputy=d,
            meeting=m,
        )
        for t, w, n, p, d, m in (
            ("小区停车位不足", "工作日上午", "李建国", "13900001111", dai, None),
            ("想了解加装电梯补贴政策", "周末", "孙丽", "13900002222", None, meeting),
            ("菜市场噪音扰民", "下周三下午", "马军", "13900003333", dai, None),
        )
    ]
    services.appointment_confirm(
        actor=staff,
        appointment=booked[0],
        message="请于本周三上午9点到新兴街道联络站,戴伟代表接待。",
    )
    services.appointment_decline(
        actor=staff,
        appointment=booked[2],
        message="该时段无代表接待,请于每月20日接待日到站或扫码反映。",
    )
    if department is not None:
        item = services.meeting_item_add(
            actor=staff,
            meeting=meeting,
            raised_by=dai,
            department=department,
            title="加装电梯审批周期过长",
            content="3个小区的加装电梯申请已等待半年,请住建局说明审批进度。",
        )
        services.meeting_item_add(
            actor=staff,
            meeting=meeting,
            raised_by=dai,
            department=department,
            title="加装电梯后管线迁改费用分担",
            content="管线迁改费用由谁承担,请明确标准。",
        )
        p = petition_services.petition_accept(actor=staff, petition=item.petition)
        p = petition_services.petition_triage(
            actor=staff,
            petition=p,
            category=Category.objects.filter(is_active=True).first(),
            urgency=Urgency.NORMAL,
            tier=Tier.STREET,
        )
        p = petition_services.petition_assign(actor=staff, petition=p, lead_department=department)
        p = petition_services.petition_receive(actor=handler, petition=p)
        p = petition_services.petition_reply(
            actor=handler, petition=p, body="已开辟绿色通道,审批压缩至30个工作日。"
        )
        petition_services.petition_give_feedback(
            actor=staff, petition=p, method=FeedbackMethod.IN_PERSON
        )
        # The other deputy of the meeting has rated the answer (staff enter it for a deputy
        # without an account); 戴伟's own rating is still waiting on his to-do home.
        for other in meeting.deputies.exclude(pk=dai.pk)[:1]:
            services.meeting_item_rate(
                actor=staff if other.user_id is None else other.user,
                item=item,
                satisfaction="basic",
                comment="审批提速了,但仍需跟踪",
                deputy=other if other.user_id is None else None,
            )
    return {"pairs": pairs, "grids": grids, "district": district, "meeting": meeting}
