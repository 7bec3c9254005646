"""The api demo: the published key works, a subscription exists, one case is forwarded."""

from __future__ import annotations

import io
import socket

from api import demo
from api.models import Forwarding, Integration, Subscription
from petitions.choices import Status

from .support import KeyClient


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_rows(db, settings):
    from stations import demo as stations_demo

    settings.FAKE_PLATFORM_PORT = _free_port()
    stations_demo.load(stdout=io.StringIO())
    out = io.StringIO()
    demo.load(stdout=out)
    demo.load(stdout=io.StringIO())  # idempotent
    assert demo.DEMO_KEY in out.getvalue()
    assert Integration.objects.count() == 1 and Subscription.objects.count() == 1
    forwarding = Forwarding.objects.get()
    assert forwarding.petition.status == Status.ASSIGNED
    assert forwarding.petition.lead_department == forwarding.platform.department
    me = KeyClient(demo.DEMO_KEY).get("/api/v1/me/").json()
    assert me["integration"] == "区智慧人大平台" and me["access"] == "read_write"
