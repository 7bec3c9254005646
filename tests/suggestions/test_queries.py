"""The list and figures pages cost the same number of queries for one row or many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from suggestions.choices import Classification, Status

from .factories import make_suggestion

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("role", "name"),
    [("clerk", "suggestions:list"), ("deputy", "suggestions:list"),
     ("handler", "suggestions:list"), ("city_clerk", "suggestions:figures")],
)  # fmt: skip
def test_it_does_not_grow_with_the_rows(world, as_role, role, name):
    make_suggestion(world, Status.HANDLING)
    client = as_role(role)
    url = reverse(name)
    small = _count(client, url)
    for status in (Status.REPLIED, Status.FOLLOWING, Status.HANDLING):
        make_suggestion(world, status, classification=Classification.B)
    make_suggestion(world, Status.HANDLING, side="y")
    assert _count(client, url) == small
