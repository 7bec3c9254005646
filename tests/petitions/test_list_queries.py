"""The petitions list at scale: the count query's shape and a pinned number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from petitions.choices import Status

from .factories import make_petition


def test_a_staff_members_count_query_joins_no_station(as_role, world):
    make_petition(world, Status.SUBMITTED)
    client = as_role("staff")
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("petitions:list"))
    assert response.context["page"].paginator.count == 1
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(*)" in q["sql"].upper()]
    count = next(sql for sql in counts if "petitions_petition" in sql)
    # Station A's own cases and its rooms' by their listed ids (read with the user's roles),
    # never "station_id IN … OR station.parent_id IN …" over a join of every station, nor a
    # subquery PostgreSQL misjudges (it then walked the whole submitted_at index).
    assert "JOIN" not in count.upper()
    assert "petitions_petition.station_id IN (" in count.replace('"', "")
    assert "SELECT" not in count.upper().split("WHERE", 1)[1]
