"""A small hand-computed data set for the dashboard tests, built through the petition services."""

from __future__ import annotations

import contextlib
import datetime as dt
from unittest import mock

from django.utils import timezone

from petitions import services
from petitions.choices import Channel, FeedbackMethod, Satisfaction, Tier, Urgency
from petitions.models import Category, Petition, Reception
from petitions.submission import Submission
from tests.petitions.factories import rate_as_constituent

TZ = timezone.get_fixed_timezone(8 * 60)


@contextlib.contextmanager
def at(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026):
    """Run the services as if it were this moment (Asia/Shanghai)."""
    moment = dt.datetime(year, month, day, hour, minute, tzinfo=TZ)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


class Loop:
    """The loop's steps as the named world's staff and handler would take them."""

    def __init__(self, world, station=None, department=None, staff="staff", handler="handler"):
        self.world = world
        self.station = station or world.station_a
        self.department = department or world.department
        self.staff = world.user(staff)
        self.handler = world.user(handler)
        self.category = Category.objects.get_or_create(name="城乡建设", defaults={"order": 1})[0]

    def submit(self, title: str = "路灯坏了") -> Petition:
        return services.petition_submit(
            actor=self.staff,
            submission=Submission(
                station=self.station,
                channel=Channel.RECEPTION,
                title=title,
                content="内容",
                constituent_name="张三",
                phone="13812348000",
            ),
        )

    def accept(self, p):
        return services.petition_accept(actor=self.staff, petition=p)

    def decline(self, p):
        return services.petition_decline(actor=self.staff, petition=p, reason="不属于受理范围")

    def merge(self, p, into):
        return services.petition_merge(actor=self.staff, petition=p, into=into)

    def triage(self, p, tier=Tier.STREET):
        return services.petition_triage(
            actor=self.staff, petition=p, category=self.category, urgency=Urgency.NORMAL, tier=tier
        )

    def assign(self, p, deadline=None):
        return services.petition_assign(
            actor=self.staff, petition=p, lead_department=self.department, deadline=deadline
        )

    def receive(self, p):
        return services.petition_receive(actor=self.handler, petition=p)

    def reply(self, p):
        return services.petition_reply(actor=self.handler, petition=p, body="已处理")

    def feedback(self, p):
        return services.petition_give_feedback(
            actor=self.staff, petition=p, method=FeedbackMethod.PHONE
        )

    def rate(self, p, satisfaction):
        return rate_as_constituent(p, satisfaction)

    def auto_close(self, p):
        return services.petition_auto_close(petition=p)


def build_march(world) -> dict[str, Petition]:
    """Cases of district X (and one of district Y) around March 2026; see EXPECTED_X."""
    loop = Loop(world)
    ps: dict[str, Petition] = {}
    # P1: the whole loop, satisfied. Assigned 6 Mar 10:00, replied 10 Mar 10:00 (4 days).
    with at(3, 5):
        ps["p1"] = p = loop.submit("P1")
    with at(3, 6):
        p = loop.assign(loop.triage(loop.accept(p)))
    with at(3, 10):
        p = loop.feedback(loop.reply(loop.receive(p)))
    with at(3, 11):
        loop.rate(p, Satisfaction.SATISFIED)
    # P2: reopened once, then basically satisfied. Assigned 11 Mar, final reply 20 Mar (9 days).
    with at(3, 10):
        ps["p2"] = p = loop.submit("P2")
    with at(3, 11):
        p = loop.assign(loop.triage(loop.accept(p)))
    with at(3, 13):
        p = loop.feedback(loop.reply(loop.receive(p)))
    with at(3, 16):
        p = loop.rate(p, Satisfaction.UNSATISFIED)
    with at(3, 20):
        p = loop.feedback(loop.reply(p))
    with at(3, 21):
        loop.rate(p, Satisfaction.BASIC)
    # P3 declined, P4 merged into P1.
    with at(3, 12):
        ps["p3"] = loop.decline(loop.submit("P3"))
        ps["p4"] = loop.merge(loop.submit("P4"), ps["p1"])
    # P5: closed without a rating. Assigned 16 Mar, replied 18 Mar (2 days).
    with at(3, 15):
        ps["p5"] = p = loop.submit("P5")
    with at(3, 16):
        p = loop.assign(loop.triage(loop.accept(p)))
    with at(3, 18):
        p = loop.feedback(loop.reply(loop.receive(p)))
    with at(3, 30):
        loop.auto_close(p)
    # P6: submitted just before the period (28 Feb 23:30), closed inside it: not counted.
    with at(2, 28, 23, 30):
        ps["p6"] = p = loop.submit("P6")
    with at(3, 2):
        p = loop.assign(loop.triage(loop.accept(p)))
    with at(3, 3):
        p = loop.feedback(loop.reply(loop.receive(p)))
        loop.rate(p, Satisfaction.SATISFIED)
    # P7: submitted at 23:50 on the period's last day and accepted: counted.
    with at(3, 31, 23, 50):
        ps["p7"] = loop.accept(loop.submit("P7"))
    # P8: assigned with a deadline of 25 Mar and never replied: overdue now.
    with at(3, 20):
        ps["p8"] = p = loop.submit("P8")
        ps["p8"] = loop.receive(
            loop.assign(loop.triage(loop.accept(p)), deadline=dt.date(2026, 3, 25))
        )
    # P9: deadline 4 Mar, replied late on 9 Mar (7 days), satisfied.
    with at(3, 2):
        ps["p9"] = p = loop.submit("P9")
        p = loop.assign(loop.triage(loop.accept(p)), deadline=dt.date(2026, 3, 4))
    with at(3, 9):
        p = loop.feedback(loop.reply(loop.receive(p)))
        loop.rate(p, Satisfaction.SATISFIED)
    # P10 in district Y: only the city sees it.
    far = Loop(
        world,
        station=world.station_b,
        department=world.other_department,
        staff="far_staff",
        handler="other_handler",
    )
    with at(3, 10):
        ps["p10"] = far.accept(far.submit("P10"))
    # Receptions: one in March (25 people), one in February (10 people).
    with at(3, 20):
        Reception.objects.create(
            station=world.station_a, held_at=timezone.now(), constituents_count=25
        )
    with at(2, 20):
        Reception.objects.create(
            station=world.station_a, held_at=timezone.now(), constituents_count=10
        )
    return ps


MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))

# Hand-computed for district X, March 2026 (cases P1–P5, P7–P9; P6 was submitted in February).
EXPECTED_X = {
    "receptions": 1,
    "constituents": 25,
    "collected": 8,
    "accepted": 6,  # P1 P2 P5 P7 P8 P9
    "declined": 1,
    "merged": 1,
    "assigned": 5,  # P1 P2 P5 P8 P9
    "replied": 4,  # P1 P2 P5 P9
    "replied_on_time": 3,  # P9 replied after its deadline
    "closed": 4,  # P1 P2 P5 P9
    "satisfied": 2,
    "basic": 1,
    "unsatisfied": 0,
    "unrated_closed": 1,
    "reopened": 1,
    "reply_rate": 80.0,  # 4 / 5
    "completion_rate": 66.7,  # 4 / 6
    "on_time_rate": 75.0,  # 3 / 4
    "satisfaction_rate": 100.0,  # 3 / 3
    "avg_reply_days": 5.5,  # (4 + 9 + 2 + 7) / 4
    "overdue_now": 1,  # P8
}
