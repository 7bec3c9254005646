"""The sweep's digests, checked against the rules written out case by case: who is told about
which late cases, what each digest says and links to, through which channels, under which
dedupe key, and that running the sweep again (or twice at once) tells nobody twice.

The sweep works set-based (one list per department, station and region, shared by the people
told about it); the reference here is the plain rule per person and case, so a shortcut that
drops a case, a person or a title shows up as a difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone, translation

from core.models import NotificationPreference, OutboxMessage, OutboxStatus
from core.notify import Outgoing, notify_bulk
from core.workdays import Calendar
from petitions.choices import Escalation, Status
from petitions.models import Petition
from petitions.tasks import run_sweep
from stations.models import ClerkScope, DepartmentHandler, StaffPost
from tests.conftest import skip_or_fail
from tests.factories import ClerkScopeFactory, DepartmentHandlerFactory
from tests.world import build_world

from .factories import make_petition, set_deadline


def _late(world, working_days: int, station, department, title: str) -> Petition:
    """A case ``working_days`` late at ``station`` for ``department`` (moved there behind the
    services' back: station A's staff cannot take in cases elsewhere)."""
    p = make_petition(world, Status.HANDLING, title=title)
    Petition.objects.filter(pk=p.pk).update(station=station, lead_department=department)
    deadline = Calendar().add_working_days(timezone.localdate(), -working_days)
    return set_deadline(Petition.objects.get(pk=p.pk), deadline)


def _told_about(user, cases: list[Petition]) -> list[Petition]:
    """The rule, one case at a time: the lead department's handlers, the staff of the station
    or of its head station, and the clerks whose region contains the station."""
    departments = set(
        DepartmentHandler.objects.filter(user=user).values_list("department", flat=True)
    )
    stations = set(StaffPost.objects.filter(user=user).values_list("station", flat=True))
    regions = list(ClerkScope.objects.filter(user=user).values_list("region__path", flat=True))
    return [
        c
        for c in cases
        if c.lead_department_id in departments
        or c.station_id in stations
        or c.station.parent_id in stations
        or any(c.station.region.path.startswith(r) for r in regions)
    ]


def _set_name(cases: list[Petition]) -> str:
    """How a digest names its set of cases (stable, so a re-run after an upgrade matches)."""
    total = sum(
        int.from_bytes(hashlib.sha1(f"{c.pk}/{c.deadline}/{c.reopen_count}".encode()).digest()[:8])  # noqa: S324
        for c in cases
    )
    return f"{total % 2**64:016x}"


def _expected(world, cases: list[Petition], level: Escalation, today: dt.date) -> dict:
    """(user, channel) -> (subject, body, url, dedupe key, status) by the rules, in English."""
    out = {}
    for user in world.users.values():
        mine = sorted(_told_about(user, cases), key=lambda c: (c.deadline, c.pk))
        if not mine:
            continue
        handler = DepartmentHandler.objects.filter(
            user=user, department__in=[c.lead_department_id for c in cases]
        ).exists()
        label = str(level.label)
        if len(mine) == 1:
            subject = f"{label}: {mine[0].title} (deadline {mine[0].deadline})"
            url = reverse("petitions:detail", args=[mine[0].pk])
        else:
            subject = f"{len(mine)} cases reached {label}"
            url = reverse("petitions:department_cases") if handler else "/petitions/?overdue=1"
        lines = [f"{c.title} (deadline {c.deadline})" for c in mine[:10]]
        if len(mine) > 10:
            lines.append(f"… and {len(mine) - 10} more")
        key = f"sweep:{today}:escalation:{int(level)}:{_set_name(mine)}:u{user.pk}"
        text = (subject, "\n".join(lines), url)
        out[(user.username, "in_app")] = (*text, key, OutboxStatus.PENDING)
        if user.email:
            status = OutboxStatus.HELD if user.daily_digest else OutboxStatus.PENDING
            out[(user.username, "email")] = (*text, f"{key}:email", status)
        if NotificationPreference.objects.filter(user=user, kind="deadlines", sms=True).exists():
            out[(user.username, "sms")] = (*text, f"{key}:sms", OutboxStatus.PENDING)
    return out


def _queued(level: Escalation, today: dt.date) -> dict:
    rows = OutboxMessage.objects.filter(
        dedupe_key__startswith=f"sweep:{today}:escalation:{int(level)}:"
    ).values_list("user__username", "channel", "subject", "body", "url", "dedupe_key", "status")
    return {(r[0], r[1]): r[2:] for r in rows}


@pytest.fixture
def late_cases(world):
    """Thirteen cases 挂牌督办-late across both districts, the head station and its room, and
    both departments (some on the same deadline), plus one case only 催办-late. People told
    through more than one list: the station's staff also handles the other department, and
    the city's clerk also holds a scope on a district inside the city."""
    a, room, a2, b = world.station_a, world.room_a1, world.station_a2, world.station_b
    dept, other = world.department, world.other_department
    spread = [(a, dept)] * 4 + [(room, dept)] * 3 + [(a2, other)] * 2 + [(b, other)] * 2
    spread += [(a, other), (b, dept)]
    listed = [
        _late(world, 16 + i % 5, station, department, f"第{i}号案件")
        for i, (station, department) in enumerate(spread)
    ]
    urged = [_late(world, 2, a2, other, "路灯不亮")]
    DepartmentHandlerFactory.create(user=world.user("staff"), department=other)
    ClerkScopeFactory.create(user=world.user("city_clerk"), region=world.district_x)
    for role, digest in (("handler", False), ("clerk", True)):
        user = world.user(role)
        user.email, user.daily_digest = f"{role}@example.org", digest
        user.save()
    far = world.user("far_staff")
    far.phone = "13700000000"
    far.save()
    NotificationPreference.objects.create(user=far, kind="deadlines", in_app=True, sms=True)
    return listed, urged


def test_each_person_gets_the_digest_the_rules_give(world, late_cases):
    listed, urged = late_cases
    today = timezone.localdate()
    with translation.override("en"):
        counts = run_sweep(today)
        assert (counts["level3"], counts["level1"]) == (len(listed), len(urged))
        listed = list(Petition.objects.filter(pk__in=[p.pk for p in listed]))
        urged = list(Petition.objects.filter(pk__in=[p.pk for p in urged]))
        assert _queued(Escalation.LISTED, today) == _expected(
            world, listed, Escalation.LISTED, today
        )
        assert _queued(Escalation.URGED, today) == _expected(world, urged, Escalation.URGED, today)
    # Spot checks a reader can follow: the city's clerk sees all thirteen, ten titles and "3
    # more"; the district's clerk ten, all listed; the clerk's email waits for the daily digest.
    city = _queued(Escalation.LISTED, today)[("city_clerk", "in_app")]
    assert city[0] == "13 cases reached Listed for supervision (挂牌督办)"
    assert len(city[1].splitlines()) == 11 and city[1].endswith("… and 3 more")
    district = _queued(Escalation.LISTED, today)[("clerk", "in_app")]
    assert district[0].startswith("10 cases") and len(district[1].splitlines()) == 10
    assert _queued(Escalation.LISTED, today)[("clerk", "email")][-1] == OutboxStatus.HELD
    assert _queued(Escalation.LISTED, today)[("far_staff", "sms")][-1] == OutboxStatus.PENDING
    urged_told = _queued(Escalation.URGED, today)
    assert urged_told[("other_staff", "in_app")][2] == reverse(
        "petitions:detail", args=[urged[0].pk]
    )
    assert ("other_clerk", "in_app") not in urged_told  # station A2 lies in the other district


def test_running_again_queues_nothing_and_an_old_key_is_not_queued_again(world, late_cases):
    today = timezone.localdate()
    run_sweep(today)
    before = set(OutboxMessage.objects.values_list("dedupe_key", flat=True))
    assert all(v == 0 for v in run_sweep(today).values())
    assert set(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == before
    # The outbox itself refuses a key it holds (as when a sweep's cases were reset and claimed
    # again): only the new row is queued, and a row without a key always is.
    user = world.user("staff")
    old = OutboxMessage.objects.filter(user=user, channel="in_app").first()
    fresh = [
        Outgoing("in_app", user.pk, "again", dedupe_key=old.dedupe_key),
        Outgoing("in_app", user.pk, "new", dedupe_key="sweep:test:new"),
        Outgoing("in_app", user.pk, "no key"),
        Outgoing("email", user.pk, "nowhere to send"),  # no address: dropped
    ]
    assert notify_bulk(fresh) == 2
    assert OutboxMessage.objects.filter(dedupe_key=old.dedupe_key).get().subject == old.subject
    assert OutboxMessage.objects.filter(user=user, subject__in=["new", "no key"]).count() == 2


@pytest.mark.services
@pytest.mark.xdist_group("services")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_case_once_and_tell_each_person_once():
    if connection.vendor != "postgresql":
        skip_or_fail("row locks need PostgreSQL (set DATABASE_URL)")
    world = build_world()
    cases = [_late(world, 16, world.station_a, world.department, f"第{i}号") for i in range(5)]
    today = timezone.localdate()
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = run_sweep(today)
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(r["level3"] for r in results) == [0, len(cases)]
    assert all(p.events.filter(kind="escalated").count() == 1 for p in cases)
    keys = list(
        OutboxMessage.objects.filter(dedupe_key__startswith="sweep:").values_list(
            "user__username", "channel"
        )
    )
    assert sorted(keys) == sorted(set(keys))  # one digest per person and channel
    assert {"handler", "staff", "clerk", "city_clerk"} <= {u for u, _ in keys}
