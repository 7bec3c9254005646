"""Migration 0009 drops the events' index on petition_id alone (the (petition_id, created_at)
index serves those look-ups) and, backwards, builds it again under its old name."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

BEFORE = [("petitions", "0008_remove_petition_escalation")]
AFTER = [("petitions", "0009_event_petition_index_dropped")]
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("petitions")


def _migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _indexes() -> dict[str, list[str]]:
    """The events table's plain indexes: name -> columns."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "petitions_petitionevent")
    return {
        name: c["columns"]
        for name, c in constraints.items()
        if c["index"] and not (c["unique"] or c["primary_key"])
    }


@pytest.mark.django_db(transaction=True)
def test_it_drops_the_index_on_petition_alone_and_puts_it_back():
    assert ["petition_id"] not in _indexes().values()
    assert ["petition_id", "created_at"] in _indexes().values()
    try:
        _migrate(BEFORE)
        restored = [name for name, cols in _indexes().items() if cols == ["petition_id"]]
        assert len(restored) == 1 and restored[0].startswith("petitions_petitionevent_petition_id")
        _migrate(AFTER)
        assert ["petition_id"] not in _indexes().values()
        assert ["petition_id", "created_at"] in _indexes().values()
    finally:
        _migrate(LATEST)
