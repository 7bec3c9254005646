"""Demo livelihood projects: a cycle in each state, walked there by the real services.

Run after the registry, deputies and petitions demos. Safe to rerun: skips when the demo
cycles exist. District 南湖区 (clerk ``clerk``, the vote administrator; department ``handler``;
deputy 戴伟 = ``deputy``):

* last year: evaluated — chosen projects completed or carried over, rated by deputies and
  constituents;
* this year: being carried out — milestones, progress reports, an inspection, and one milestone
  overdue (the sweep escalates it);
* next year: deputies voting — paper ballots recorded for half of the congress, 戴伟's own
  ballot still open for him to cast on his phone;
and for the city (clerk ``clerk_city``) next year's cycle is collecting, with its public call.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from deputies.models import Deputy, StationAssignment
from petitions.models import Petition
from stations.choices import RegionLevel
from stations.models import Department, Region, Station
from stations.scope import managed_q

from . import rights, services
from .choices import Choice, Rating, Status
from .models import Cycle

TITLE = "民生实事项目"
# (title, description, estimated cost in 10k yuan)
LAST_YEAR = [
    ("老旧小区加装电梯", "为新兴街道6个老旧小区加装电梯20台。", "600"),
    ("社区居家养老服务中心", "新建3个社区居家养老服务中心，提供助餐、日间照料。", "450"),
    ("背街小巷路灯改造", "更换背街小巷路灯300盏。", "80"),
    ("农贸市场提升改造", "改造新兴农贸市场排水、通风和摊位。", "300"),
]
THIS_YEAR = [
    ("长水塘河道综合治理", "截污纳管、清淤疏浚，建设滨水步道。", "1200"),
    ("学校周边交通安全提升", "实验小学等5所学校周边增设护学岗、临时泊位。", "150"),
    ("城市书房建设", "新建城市书房4处，24小时开放。", "200"),
    ("公交站台增设雨棚", "为40个公交站台增设雨棚和座椅。", "90"),
]
NEXT_YEAR = [
    ("口袋公园建设", "利用边角地块建设口袋公园8处。", "400"),
    ("老旧小区雨污分流", "建设新村等小区管网改造。", "900"),
    ("智慧停车场", "新增公共停车泊位1200个。", "1500"),
]
CITY_CALL = [("全市中小学午餐提质", "推行中小学午餐统一配送、家长陪餐制度。", "3000")]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _district_of(deputy: Deputy) -> Region | None:
    a = (
        StationAssignment.objects.filter(deputy=deputy, end_date__isnull=True, is_primary=True)
        .select_related("station__region")
        .first()
    )
    if a is None:
        return None
    for region in a.station.region.ancestors():
        if region.level == RegionLevel.DISTRICT:
            return region
    return None


def load(stdout=None) -> list[Cycle]:
    User = get_user_model()
    users = {
        n: User.objects.filter(username=n).first()
        for n in ("deputy", "clerk", "clerk_city", "handler")
    }
    lead = Deputy.objects.filter(user=users["deputy"]).first() if users["deputy"] else None
    department = Department.objects.filter(handlers__user=users["handler"]).first()
    district = _district_of(lead) if lead else None
    if None in (*users.values(), lead, department, district):
        _say(stdout, "Demo projects skipped: the demo logins are missing.\n")
        return []
    year = timezone.localdate().year
    if Cycle.objects.filter(region=district, year=year).exists():
        _say(stdout, "Demo projects already exist.\n")
        return []
    with transaction.atomic():
        made = _make(users, lead, department, district, year)
    from .tasks import run_sweep

    run_sweep()  # escalate the overdue milestone the way beat would
    _say(
        stdout, f"Demo projects: {len(made)} cycles (evaluated, in progress, voting, collecting).\n"
    )
    return made


def _cycle(clerk, region, year: int, title: str, **kw) -> Cycle:
    return services.cycle_create(
        actor=clerk, region=region, year=year, title=title,
        call_text="请围绕群众急难愁盼问题提出民生实事项目建议。", vote_rule="approve_each", **kw,
    )  # fmt: skip


def _propose(clerk, cycle, rows, *, by=None, petitions=(), station=None) -> list:
    out = []
    for n, (title, description, cost) in enumerate(rows):
        c = services.candidate_propose(
            actor=by if by is not None and n == 0 else clerk,
            cycle=cycle,
            title=title,
            description=description,
            estimated_cost=Decimal(cost),
            petitions=list(petitions) if n == 0 else [],
            station=station if n == 0 else None,
        )
        out.append(c)
    return out


def _vote(clerk, cycle, candidates, patterns, *, skip=()) -> None:
    """Paper ballots recorded by the vote administrator: ``patterns[i](j)`` is deputy j's mark
    on candidate i."""
    deputies = list(rights.congress_deputies(cycle.region).order_by("pk"))
    for j, d in enumerate(deputies):
        if d.pk in skip:
            continue
        marks = {c.pk: patterns[i](j) for i, c in enumerate(candidates)}
        services.ballot_cast(actor=clerk, cycle=cycle, marks=marks, deputy=d, on_paper=True)


def _mostly_for(j):
    return Choice.ABSTAIN if j % 9 == 4 else Choice.FOR


def _two_thirds(j):
    return Choice.AGAINST if j % 3 == 0 else Choice.FOR


def _a_third(j):
    return Choice.FOR if j % 3 == 0 else (Choice.ABSTAIN if j % 2 else Choice.AGAINST)


PATTERNS = [_mostly_for, _two_thirds, _mostly_for, _a_third]


def _make(users, lead, department, district, year) -> list[Cycle]:
    clerk, handler, deputy = users["clerk"], users["handler"], users["deputy"]
    today = timezone.localdate()
    supervisors = list(rights.congress_deputies(district).order_by("pk")[:2])
    if lead not in supervisors:
        supervisors = [lead, *supervisors[:1]]
    # The station's staff propose this year's first project from two of their cases; those
    # constituents see it on their tracking page.
    staff = get_user_model().objects.filter(username="staff").first()
    station = (
        Station.objects.filter(managed_q(staff, "pk"), region__path__startswith=district.path)
        .order_by("pk")
        .first()
        if staff is not None
        else None
    )
    cases = (
        list(Petition.objects.visible_to(staff).filter(station=station).order_by("pk")[:2])
        if station is not None
        else []
    )

    # Last year: evaluated.
    last = _cycle(clerk, district, year - 1, f"{year - 1}年{district.name}{TITLE}")
    cs = _propose(clerk, last, LAST_YEAR)
    for c in cs:
        services.candidate_screen(actor=clerk, candidate=c, recommendation="群众呼声高，建议列入储备库。",
                                  departments=[department])  # fmt: skip
    services.cycle_open_vote(actor=clerk, cycle=last)
    _vote(clerk, last, cs, PATTERNS)
    services.cycle_close_vote(actor=clerk, cycle=last)
    chosen = [c for c in last.candidates.filter(status=Status.CHOSEN).order_by("pk")]
    for n, c in enumerate(chosen):
        c = services.candidate_start(
            actor=clerk, candidate=c, lead_department=department, supervisors=supervisors
        )
        m = services.milestone_add(actor=handler, candidate=c, title="完成设计和招标",
                                   due_date=dt.date(year - 1, 4, 30))  # fmt: skip
        services.milestone_done(
            actor=handler,
            candidate=c,
            milestone=m,
            done_on=dt.date(year - 1, 4, 30) + dt.timedelta(days=n * 6 - 8),
        )
        m = services.milestone_add(
            actor=handler, candidate=c, title="主体完工", due_date=dt.date(year - 1, 10, 31)
        )
        services.progress_report(
            actor=handler, candidate=c, text="主体工程已完工，正在验收。", percent=90
        )
        if n < len(chosen) - 1:
            services.milestone_done(
                actor=handler, candidate=c, milestone=m, done_on=dt.date(year - 1, 10, 25)
            )
            services.candidate_complete(actor=handler, candidate=c, completed_at=dt.date(year - 1, 11, 20),
                                        spent=(c.estimated_cost or 0) * Decimal("0.95"))  # fmt: skip
        services.deputy_rate(actor=deputy, candidate=c,
                             rating=Rating.SATISFIED if n < len(chosen) - 1 else Rating.UNSATISFIED)  # fmt: skip
        for k, rating in enumerate(
            (Rating.SATISFIED, Rating.SATISFIED, Rating.BASIC, Rating.UNSATISFIED)[: 4 - n]
        ):
            services.survey_record(
                actor=clerk, candidate=c, phone=f"1390000{n:02d}{k:02d}", rating=rating
            )

    # This year: being carried out (the vote was at the session in the spring).
    this = _cycle(clerk, district, year, f"{year}年{district.name}{TITLE}")
    cs = _propose(clerk, this, THIS_YEAR, by=staff if station else deputy, petitions=cases,
                  station=station)  # fmt: skip
    for c in cs:
        services.candidate_screen(actor=clerk, candidate=c, recommendation="经财政测算，建议列入。",
                                  departments=[department])  # fmt: skip
    if last.candidates.filter(status=Status.IN_PROGRESS).exists():
        unfinished = last.candidates.filter(status=Status.IN_PROGRESS).first()
        # Carried over into this year's cycle before its vote opened.
        new = services.candidate_carry_over(
            actor=clerk, candidate=unfinished, note="年内未完工，群众评价不满意。"
        )
        services.candidate_screen(actor=clerk, candidate=new, recommendation="上年结转，继续实施。")
        cs.append(new)
    services.cycle_finish(actor=clerk, cycle=last)
    services.cycle_open_vote(actor=clerk, cycle=this)
    _vote(clerk, this, cs, [*PATTERNS, _mostly_for])
    services.cycle_close_vote(actor=clerk, cycle=this)
    for n, c in enumerate(this.candidates.filter(status=Status.CHOSEN).order_by("pk")):
        c = services.candidate_start(
            actor=clerk, candidate=c, lead_department=department, supervisors=supervisors
        )
        m = services.milestone_add(
            actor=handler, candidate=c, title="完成方案设计", due_date=today - dt.timedelta(days=60)
        )
        services.milestone_done(
            actor=handler, candidate=c, milestone=m, done_on=today - dt.timedelta(days=62 - n * 4)
        )
        due = today - dt.timedelta(days=6) if n == 0 else today + dt.timedelta(days=40 + 20 * n)
        services.milestone_add(actor=handler, candidate=c, title="开工建设", due_date=due)
        services.milestone_add(
            actor=handler, candidate=c, title="竣工验收", due_date=dt.date(year, 12, 20)
        )
        services.progress_report(
            actor=handler, candidate=c, text="方案已批复，施工单位已进场。", percent=25 + 15 * n
        )
        services.inspection_record(actor=deputy, candidate=c, visited_on=today - dt.timedelta(days=10),
                                   opinion="施工围挡影响居民出行，请优化交通组织。")  # fmt: skip

    # Next year: deputies voting; 戴伟 casts his own.
    nxt = _cycle(clerk, district, year + 1, f"{year + 1}年{district.name}{TITLE}")
    cs = _propose(clerk, nxt, NEXT_YEAR)
    for c in cs:
        services.candidate_screen(actor=clerk, candidate=c, recommendation="建议列入票决。")
    services.candidate_reject(actor=clerk, candidate=services.candidate_propose(
        actor=clerk, cycle=nxt, title="小区门口设置快递柜", description="由物业自行解决。"),
        reason="属于物业管理事项，不列入政府民生实事。")  # fmt: skip
    services.cycle_open_vote(actor=clerk, cycle=nxt)
    half = list(
        rights.congress_deputies(district)
        .exclude(pk=lead.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _vote(clerk, nxt, cs, PATTERNS, skip={lead.pk, *half[::2]})

    # The city's call, open to the public.
    city = next((r for r in district.ancestors() if r.level == RegionLevel.CITY), None)
    city_clerk = get_user_model().objects.filter(username="clerk_city").first()
    made = [last, this, nxt]
    if city is not None and city_clerk is not None:
        call = _cycle(city_clerk, city, year + 1, f"{year + 1}年{city.name}{TITLE}")
        _propose(city_clerk, call, CITY_CALL)
        services.candidate_propose_public(cycle=call, title="增加社区篮球场", description="周末孩子没有地方打球。",
                                          name="王五", phone="13700001111")  # fmt: skip
        made.append(call)
    return made
