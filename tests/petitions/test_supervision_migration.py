"""Migrations 0007/0008 on a database that already holds cases: state copied, and back."""

import datetime as dt

import pytest

from .migration_support import LATEST, migrate

BEFORE = [("petitions", "0006_routing_rules")]
AFTER = [("petitions", "0008_remove_petition_escalation")]


@pytest.mark.django_db(transaction=True)
def test_it_copies_each_cases_level_and_deadline_and_puts_them_back(world):
    apps = migrate(BEFORE)
    Petition = apps.get_model("petitions", "Petition")
    station = apps.get_model("stations", "Station").objects.get(pk=world.station_a.pk)
    due = dt.date(2025, 9, 30)

    def case(status, escalation=0, deadline=None):
        return Petition.objects.create(
            station=station,
            channel="reception",
            title="路灯",
            content="路灯坏了",
            status=status,
            escalation=escalation,
            deadline=deadline,
            tracking_code=f"T{Petition.objects.count():013d}",
        ).pk

    handling = case("handling", 2, due)
    assigned = case("assigned", 0, due)
    replied = case("replied", 3, due)  # answered after reaching 挂牌督办: only the record
    closed = case("closed", 0, due)  # never escalated, no longer supervised: no row
    submitted = case("submitted")
    try:
        apps = migrate(AFTER)
        rows = {
            r.petition_id: (r.level, r.deadline)
            for r in apps.get_model("petitions", "Supervision").objects.all()
        }
        assert rows == {handling: (2, due), assigned: (0, due), replied: (3, None)}
        assert closed not in rows and submitted not in rows

        apps = migrate(BEFORE)
        levels = dict(
            apps.get_model("petitions", "Petition").objects.values_list("pk", "escalation")
        )
        assert levels == {handling: 2, assigned: 0, replied: 3, closed: 0, submitted: 0}
    finally:
        migrate(LATEST)
