"""Migration 0010 puts the station into the open cases' deadline index (so "overdue now" counts
the not-yet-due cases per station from the index alone) and, backwards, restores the old one."""

import pytest

from .migration_support import LATEST, indexes, migrate

BEFORE = [("petitions", "0009_event_petition_index_dropped")]


@pytest.mark.django_db(transaction=True)
def test_the_open_cases_deadline_index_carries_the_station_and_goes_back():
    assert indexes("petitions_petition").get("petition_open_due_idx") == ["deadline", "station_id"]
    assert "petition_open_deadline_idx" not in indexes("petitions_petition")
    try:
        migrate(BEFORE)
        assert indexes("petitions_petition").get("petition_open_deadline_idx") == ["deadline"]
        assert "petition_open_due_idx" not in indexes("petitions_petition")
    finally:
        migrate(LATEST)
    assert indexes("petitions_petition").get("petition_open_due_idx") == ["deadline", "station_id"]
