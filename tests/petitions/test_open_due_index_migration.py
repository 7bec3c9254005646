"""Migration 0010 puts the station into the open cases' deadline index (so "overdue now" counts
the not-yet-due cases per station from the index alone) and, backwards, restores the old one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

BEFORE = [("petitions", "0009_event_petition_index_dropped")]
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("petitions")


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "petitions_petition")
    return {name: c["columns"] for name, c in constraints.items() if c["index"]}


@pytest.mark.django_db(transaction=True)
def test_the_open_cases_deadline_index_carries_the_station_and_goes_back():
    assert _indexes().get("petition_open_due_idx") == ["deadline", "station_id"]
    assert "petition_open_deadline_idx" not in _indexes()
    try:
        _migrate(BEFORE)
        assert _indexes().get("petition_open_deadline_idx") == ["deadline"]
        assert "petition_open_due_idx" not in _indexes()
    finally:
        _migrate(LATEST)
    assert _indexes().get("petition_open_due_idx") == ["deadline", "station_id"]
