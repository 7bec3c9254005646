"""The live OpenAPI schema, exercised by schemathesis: 0 server errors, 0 schema violations.

The schema is the one /api/v1/schema/ serves (``test_it_is_the_served_schema``), generated once
at import; the calls go to the WSGI application inside the test's transaction. Bounded (a few
examples per operation) so it runs in the normal suite; every answer is also grepped for full
phone and ID numbers, like every other API answer of the test run.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
import schemathesis.checks as checks
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from petitions.choices import Status
from tests.petitions.factories import make_petition

from .support import KeyClient, make_key, pii_in

EXAMPLES = 5
SCHEMA = json.loads(
    json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str)
)

schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI app itself, so each request sends ``request_started`` and
    ``request_finished``, whose ``close_old_connections`` closes a PostgreSQL connection held in
    the test's transaction (autocommit off): the next query then finds it closed. Django's test
    client disconnects the handler for the same reason; so does this test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(world, settings):
    settings.API_RATE_PER_MINUTE = 100000
    make_petition(world, Status.REPLIED)
    return make_key(world)[1]


def test_it_is_the_served_schema(db):
    served = KeyClient().get("/api/v1/schema/?format=json")
    assert served.status_code == 200
    assert served.json()["paths"].keys() == SCHEMA["paths"].keys()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_keeps_to_its_schema(case, api_key):
    # Server errors and answers that break the schema fail. Not checked: that an empty filter
    # (``?status=``) is refused (django-filter ignores it, like the pages' filter bars) and that
    # every 4xx is listed in the schema.
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"},
        checks=[
            checks.not_a_server_error,
            checks.response_schema_conformance,
            checks.content_type_conformance,
            checks.response_headers_conformance,
        ],
    )
    assert not pii_in(response.text)
