"""Migration 0009 drops the events' index on petition_id alone (the (petition_id, created_at)
index serves those look-ups) and, backwards, builds it again under its old name."""

import pytest

from .migration_support import LATEST, indexes, migrate

BEFORE = [("petitions", "0008_remove_petition_escalation")]
AFTER = [("petitions", "0009_event_petition_index_dropped")]


def _indexes() -> dict[str, list[str]]:
    return indexes("petitions_petitionevent")


@pytest.mark.django_db(transaction=True)
def test_it_drops_the_index_on_petition_alone_and_puts_it_back():
    assert ["petition_id"] not in _indexes().values()
    assert ["petition_id", "created_at"] in _indexes().values()
    try:
        migrate(BEFORE)
        restored = [name for name, cols in _indexes().items() if cols == ["petition_id"]]
        assert len(restored) == 1 and restored[0].startswith("petitions_petitionevent_petition_id")
        migrate(AFTER)
        assert ["petition_id"] not in _indexes().values()
        assert ["petition_id", "created_at"] in _indexes().values()
    finally:
        migrate(LATEST)
