"""Demo rows for the whole duty: quota rules (the province default and 南湖区's "two opinions a
month", set by its clerk), a points scheme in force and next year's draft, self-reported activities in every state (one published duty story
with a photo), the 五公开 lists of 戴伟's station, and last year's station assessments with an
award. Run after the registry, deputies, roster and petitions demos. Safe to rerun: skips
when the demo activities exist.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from PIL import Image

from deputies.models import Deputy, StationAssignment
from stations.models import Region, Station

from . import assessment, openness, quotas, schemes, services
from .choices import ActivityKind as K
from .models import Activity, PointsScheme, QuotaRule

# (days ago, kind, title, body, decision: "approve" / "return" / "" (waiting), publish)
ACTIVITIES = [
    (3, K.STATION, "进站参加“一季一主题”接待活动", "与群众座谈老旧小区改造。", "", False),
    (12, K.TRAINING, "新任代表履职学习培训", "学习代表法和议事规则。", "approve", False),
    (25, K.INSPECTION, "老旧小区加装电梯项目视察", "实地查看幸福小区3幢施工。", "approve", False),
    (40, K.RESEARCH, "社区养老服务设施调研", "走访3个日间照料中心。", "return", False),
    (60, K.STORY, "六层老楼装上了电梯",
     "去年群众反映幸福小区没有电梯，我牵头走访、提交建议，今年电梯装好了，老人们终于能下楼晒太阳。",
     "approve", True),
    (90, K.DIARY, "民情日志(上半年)", "记录群众反映问题46条。", "approve", False),
    (120, K.PROJECT, "承办民生实事:背街小巷路灯改造", "牵头督办路灯改造项目。", "approve", False),
]  # fmt: skip

PLAN = [
    (1, 20, "一季一主题:老旧小区加装电梯", True),
    (3, 15, "代表集中进站接待周", True),
    (4, 20, "二季度主题接待:社区养老", True),
    (6, 30, "代表向选民述职", False),
    (7, 20, "三季度主题接待:河道治理", False),
    (9, 15, "驻站代表学习培训", False),
    (10, 20, "四季度主题接待:交通出行", False),
    (12, 20, "年度履职成果公示", False),
]


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def _photo(name: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (190, 40, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def load(stdout=None) -> list[Activity]:
    User = get_user_model()
    users = {n: User.objects.filter(username=n).first() for n in ("deputy", "staff", "clerk")}
    deputy = Deputy.objects.filter(user=users["deputy"]).first() if users["deputy"] else None
    if None in users.values() or deputy is None:
        _say(stdout, "Duty demo skipped: the demo logins are missing.\n")
        return []
    if Activity.objects.filter(deputy=deputy).exists():
        _say(stdout, "Duty demo already exists.\n")
        return []
    assignment = StationAssignment.objects.filter(
        deputy=deputy, is_primary=True, end_date__isnull=True
    ).first()
    if assignment is None:
        _say(stdout, "Duty demo skipped: the demo deputy has no station.\n")
        return []
    station = assignment.station
    with transaction.atomic():
        _rules(station, users["clerk"])
        made = _activities(users, deputy)
        _open(users["staff"], station)
        _assess(users["clerk"], station)
    _say(stdout, f"Duty demo: {len(made)} activities of {deputy}, 五公开 of {station}.\n")
    return made


def _rules(station: Station, clerk) -> None:
    """The province default, set with the system; 南湖区's own "two opinions a month" and its
    points schemes set by its clerk through the clerks' pages' services (so the pages show the
    last change): one active for every year and next year's draft."""
    province = Region.objects.filter(parent__isnull=True).order_by("code").first()
    district = next(
        (r for r in reversed(station.region.ancestors()) if r.level == "district"), None
    )
    if province:
        for item in ("reception", "opinion", "station", "training"):
            QuotaRule.objects.get_or_create(region=province, item=item, defaults={"quantity": 1})
    if district is None:
        return
    # "明确代表听取群众反映问题和意见建议每月不少于两次" (seed 004).
    quotas.quota_rules_set(actor=clerk, region=district, quantities={"opinion": 2})
    rows = {
        item: (Decimal(weight), cap)
        for item, weight, cap in (
            ("reception", "2", 24),
            ("opinion", "1", 36),
            ("station", "2", None),
            ("training", "1", 12),
            ("diary", "5", 1),
            ("project", "10", 2),
            ("story", "5", 2),
            ("report_back", "10", 1),
        )
    }
    if not PointsScheme.objects.filter(region=district).exists():
        schemes.scheme_create(
            actor=clerk,
            region=district,
            name=f"{district.name}代表履职积分办法",
            year=None,
            rows=rows,
            activate=True,
        )
        next_year = timezone.localdate().year + 1
        schemes.scheme_create(
            actor=clerk,
            region=district,
            name=f"{district.name}{next_year}年度代表履职积分办法(征求意见稿)",
            year=next_year,
            rows={**rows, "story": (Decimal(8), 2), "opinion": (Decimal("1.5"), 36)},
        )


def _activities(users, deputy: Deputy) -> list[Activity]:
    today = timezone.localdate()
    made = []
    for days, kind, title, body, decision, publish in ACTIVITIES:
        fields = {
            "kind": kind,
            "date": today - dt.timedelta(days=days),
            "title": title,
            "body": body,
            "wants_publication": publish,
        }
        files = [_photo(f"{kind}.jpg")] if kind in (K.STORY, K.INSPECTION) else []
        a = services.activity_file(actor=users["deputy"], fields=fields, files=files)
        if decision == "approve":
            a = services.activity_approve(actor=users["staff"], activity=a, publish=publish)
        elif decision == "return":
            a = services.activity_return(
                actor=users["staff"], activity=a, reason="请补充调研报告或现场照片。"
            )
        made.append(a)
    return made


def _open(staff, station: Station) -> None:
    # The standard rules are stored in the language of whoever adds them; a management
    # command has none active, so the demo writes them in the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        openness.station_rules_start(actor=staff, station=station)
    year = timezone.localdate().year
    if not station.plan_items.filter(year=year).exists():
        for month, day, title, done in PLAN:
            item = openness.plan_item_add(
                actor=staff, station=station, date=dt.date(year, month, day), title=title
            )
            if done:
                openness.plan_item_complete(actor=staff, item=item)


def _assess(clerk, station: Station) -> None:
    last = timezone.localdate().year - 1
    stations = Station.objects.visible_to(clerk).filter(kind="home").order_by("pk")[:4]
    for s in stations:
        award = "最美人大代表联络站" if s.pk == station.pk else ""
        assessment.assessment_record(
            actor=clerk,
            station=s,
            year=last,
            floor_area=Decimal("120") if s.pk == station.pk else None,
            note="门牌、制度上墙齐全。" if s.pk == station.pk else "",
            award=award,
            award_published=bool(award),
            photos=[_photo("门牌.jpg")] if s.pk == station.pk else [],
        )
