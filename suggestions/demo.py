"""Demo suggestions in every state, walked there by the real services (so timelines exist).

Run after the registry, deputies and petitions demos. Safe to rerun: skips when the demo
suggestions exist. The lead deputy is 戴伟 (login ``deputy``), the clerk ``clerk`` (南湖区),
the department ``handler`` (南湖区住房和城乡建设局); a few colleagues of 南湖区 co-sign. Dates are
moved back with queryset updates afterwards (demo only), so one suggestion is overdue.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from deputies.models import Deputy, StationAssignment
from petitions.choices import Tier
from petitions.models import Category, Petition
from stations.models import Department
from stations.scope import with_rooms_q

from . import services
from .choices import Classification as C
from .choices import CosignStatus, Level, Session, Status
from .choices import Evaluation as E
from .models import Suggestion

# (title, reasons, proposals, target state, classification, evaluation, days since drafted)
DEMO = [
    ("关于加快老旧小区加装电梯的建议", "全区1995年前建成的六层住宅多无电梯，老人上下楼困难。",
     "一、简化审批流程；二、提高财政补贴标准；三、统筹管线迁改。", Status.CLOSED, C.A, E.SATISFIED, 300),
    ("关于长水塘河道综合治理的建议", "长水塘部分河段水体发黑发臭，群众反映强烈。",
     "一、截污纳管；二、定期清淤；三、建立河长巡查制度。", Status.FOLLOWING, C.B, E.SATISFIED, 240),
    ("关于增设社区养老服务站点的建议", "新兴街道老年人口占比高，日间照料站点不足。",
     "一、利用闲置用房新建站点；二、引入专业机构运营。", Status.CLOSED, C.B, E.BASIC, 280),
    ("关于优化学校周边交通组织的建议", "实验小学放学时段拥堵，存在安全隐患。",
     "一、设置临时停车泊位；二、错峰放学；三、增派协管员。", Status.REPLIED, C.C, None, 150),
    ("关于农贸市场提升改造的建议", "新兴农贸市场地面湿滑、通风差。",
     "一、改造排水与通风；二、规范摊位管理。", Status.HANDLING, C.C, E.UNSATISFIED, 200),
    ("关于完善老旧小区雨污分流的建议", "建设新村管网老化，雨天路面积水。",
     "一、纳入年度改造计划；二、分片实施雨污分流。", Status.HANDLING, None, None, 120),
    ("关于公交站台增设雨棚的建议", "东栅等公交站没有雨棚，雨天候车不便。",
     "一、排查无雨棚站台；二、分批增设。", Status.REGISTERED, None, None, 30),
    ("关于规范共享单车停放的建议", "地铁口共享单车乱停乱放，影响通行。",
     "一、划定停放区；二、企业定期清运。", Status.SUBMITTED, None, None, 10),
    ("关于在小区门口设置快递柜的意见", "个别小区快递堆放门口。",
     "建议物业设置快递柜。", Status.DECLINED, None, None, 60),
    ("关于建设口袋公园的建议", "老城区缺少休闲活动空间。",
     "利用边角地块建设口袋公园。", Status.DRAFT, None, None, 3),
]  # fmt: skip


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def load(stdout=None) -> list[Suggestion]:
    """Create the demo suggestions; returns them (empty if already there or nothing to use)."""
    titles = [row[0] for row in DEMO]
    if Suggestion.objects.filter(title__in=titles).exists():
        _say(stdout, "Demo suggestions already exist.\n")
        return []
    User = get_user_model()
    users = {n: User.objects.filter(username=n).first() for n in ("deputy", "clerk", "handler")}
    department = Department.objects.filter(handlers__user=users["handler"]).first()
    lead = Deputy.objects.filter(user=users["deputy"]).first() if users["deputy"] else None
    category = Category.objects.filter(is_active=True).order_by("order", "pk").first()
    if None in (*users.values(), department, lead, category):
        _say(stdout, "Demo suggestions skipped: the demo logins or categories are missing.\n")
        return []
    with transaction.atomic():
        made = _make(users, lead, department, category)
    from .tasks import run_sweep

    run_sweep()  # supervise the overdue one the way beat would
    _say(stdout, f"Demo suggestions: {len(made)} in every state for {lead}.\n")
    return made


def _colleagues(lead: Deputy, region) -> list[Deputy]:
    ids = StationAssignment.objects.filter(
        end_date__isnull=True, station__region__path__startswith=region.path
    ).values("deputy_id")
    return list(Deputy.objects.active().filter(pk__in=ids).exclude(pk=lead.pk).order_by("pk")[:3])


def _make(users, lead, department, category) -> list[Suggestion]:
    deputy, clerk, handler = users["deputy"], users["clerk"], users["handler"]
    region = services.committee_region(lead, Level.DISTRICT)
    colleagues = _colleagues(lead, region)
    # Opinions of tier "难事代表提" at the lead deputy's station and its rooms. In the demo
    # they were collected by colleagues, whose cases 戴伟 may not open, so they are linked
    # directly (demo only); their constituents then see the suggestion on the tracking page.
    stations = StationAssignment.objects.filter(deputy=lead, end_date__isnull=True).values_list(
        "station_id", flat=True
    )
    opinions = list(
        Petition.objects.filter(tier=Tier.SUGGESTION)
        .filter(with_rooms_q(stations, "station"))
        .order_by("pk")[:2]
    )
    now = timezone.now()
    made = []
    for n, (title, reasons, proposals, target, cls, evaluation, days) in enumerate(DEMO):
        s = services.suggestion_draft(
            actor=deputy,
            title=title,
            reasons=reasons,
            proposals=proposals,
            category=category,
            session=Session.CONGRESS if n % 3 == 0 else Session.INTERIM,
            level=Level.DISTRICT,
            petitions=[p for p in opinions if p.deputy_id == lead.pk] if n == 1 else [],
            cosigners=colleagues[: 1 + n % 3],
        )
        if n == 1:
            s.petitions.add(*opinions)
        if target != Status.DRAFT:
            # Demo colleagues have no login to confirm with: recorded as confirmed (demo only).
            s.cosignatures.update(status=CosignStatus.CONFIRMED, answered_at=now)
        _walk(s, target, cls, evaluation, deputy, clerk, handler, department)
        _backdate(s, days, now)
        made.append(s)
    return made


def _walk(s, target, cls, evaluation, deputy, clerk, handler, department) -> None:
    if target == Status.DRAFT:
        return
    s = services.suggestion_submit(actor=deputy, suggestion=s)
    if target == Status.SUBMITTED:
        return
    if target == Status.DECLINED:
        services.suggestion_decline(
            actor=clerk, suggestion=s, reason="属于物业管理事项，建议转交街道协调处理。"
        )
        return
    s = services.suggestion_register(actor=clerk, suggestion=s)
    if target == Status.REGISTERED:
        return
    s = services.suggestion_assign(actor=clerk, suggestion=s, lead_department=department)
    if cls is None:
        return
    services.suggestion_reply(
        actor=handler,
        suggestion=s,
        classification=cls,
        body=f"您提出的《{s.title}》收悉。经认真研究，现答复如下……",
        follow_up_date=timezone.localdate() + dt.timedelta(days=120) if cls == C.B else None,
    )
    s.refresh_from_db()
    if evaluation is None:
        return
    s = services.suggestion_evaluate(
        actor=deputy,
        suggestion=s,
        evaluation=evaluation,
        comment="答复未回应市场改造的资金来源，请重新办理。" if evaluation == E.UNSATISFIED else "",
    )
    if target == Status.CLOSED and s.status == Status.FOLLOWING:
        services.suggestion_follow_up(
            actor=handler,
            suggestion=s,
            progress="已完成选址和设计。",
            follow_up_date=timezone.localdate() + dt.timedelta(days=30),
        )
        services.suggestion_fulfil(actor=handler, suggestion=s, note="三处站点已建成投用。")


def _backdate(s: Suggestion, days: int, now) -> None:
    """Spread the dates over the past months (demo only); the rows' order is kept."""
    shift = dt.timedelta(days=days)
    Suggestion.objects.filter(pk=s.pk).update(created_at=now - shift)
    events = list(s.events.order_by("pk"))
    step = shift / max(len(events), 1)
    stamps = {}
    for i, event in enumerate(events):
        stamps[event.action] = now - shift + step * i
        type(event).objects.filter(pk=event.pk).update(created_at=stamps[event.action])
    # The dates shown on the page and the printed forms follow their steps.
    fields = {"submit": "submitted_at", "register": "registered_at", "assign": "assigned_at"}
    Suggestion.objects.filter(pk=s.pk).update(
        **{field: stamps[action] for action, field in fields.items() if action in stamps}
    )
    if "reply" in stamps:
        s.replies.update(created_at=stamps["reply"])
        Suggestion.objects.filter(pk=s.pk, replied_at__isnull=False).update(
            replied_at=stamps["reply"]
        )
    if s.title == "关于完善老旧小区雨污分流的建议":
        # Overdue: the limit passed a week ago, so the sweep supervises it.
        Suggestion.objects.filter(pk=s.pk).update(
            deadline=timezone.localdate() - dt.timedelta(days=8)
        )
