"""An honest demo platform: `manage.py serve` starts the fake 四平台 the demo forwards a case
to (unless FAKE_PLATFORM_PORT=0, when the demo has no platform at all), and the platform it
starts knows the case the demo forwarded to the one it started for the moment."""

from __future__ import annotations

import io
import json
import socket
import sys
import urllib.request

from api import demo
from api.fake_platform import FakePlatform
from api.models import ExternalPlatform, Forwarding, Subscription
from core.management.commands.serve import fake_platform_command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_the_fake_platform_by_default_with_the_demos_store(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.FAKE_PLATFORM_PORT = _free_port()
    command, line = fake_platform_command(sys.executable)
    assert command is not None
    assert command[1:4] == ["-m", "api.fake_platform", "--port"]
    assert command[command.index("--store") + 1] == str(tmp_path / "fake_platform.json")
    assert str(settings.FAKE_PLATFORM_PORT) in line


def test_serve_leaves_a_taken_port_alone_and_says_so(settings):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        settings.FAKE_PLATFORM_PORT = taken.getsockname()[1]
        command, line = fake_platform_command(sys.executable)
    assert command is None and "is taken" in line


def test_with_the_platform_off_the_demo_has_no_platform_and_says_why(db, settings):
    from stations import demo as stations_demo

    settings.FAKE_PLATFORM_PORT = 0
    assert fake_platform_command(sys.executable)[0] is None
    stations_demo.load(stdout=io.StringIO())
    out = io.StringIO()
    demo.load(stdout=out)
    assert "FAKE_PLATFORM_PORT=0" in out.getvalue() and demo.DEMO_KEY in out.getvalue()
    assert not ExternalPlatform.objects.exists() and not Forwarding.objects.exists()
    assert not Subscription.objects.exists()


def test_the_platform_started_later_knows_the_case_the_demo_forwarded(db, settings, tmp_path):
    from stations import demo as stations_demo

    settings.VAR_DIR = tmp_path
    settings.FAKE_PLATFORM_PORT = _free_port()
    stations_demo.load(stdout=io.StringIO())
    demo.load(stdout=io.StringIO())  # starts a platform for the moment, then stops it
    forwarding = Forwarding.objects.get()
    with FakePlatform(settings.FAKE_PLATFORM_PORT, store=demo.platform_store()) as later:
        with urllib.request.urlopen(f"{later.url}/cases/{forwarding.external_id}") as r:
            case = json.load(r)
    assert case["id"] == forwarding.external_id and case["state"] == "sent"


def _demo_summary(monkeypatch) -> str:
    """The demo loader's summary with only the registry and the api demo (the rest of the
    demo is not needed for the api line)."""
    from django.core.management import call_command

    from reports.management.commands import demo_data

    loaders = [row for row in demo_data.LOADERS if row[0] in ("stations.demo", "api.demo")]
    monkeypatch.setattr(demo_data, "LOADERS", tuple(loaders))
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue().split("Demo data loaded:")[1]


def test_the_demo_summary_says_nothing_was_forwarded_with_the_platform_off(
    db, settings, monkeypatch
):
    settings.FAKE_PLATFORM_PORT = 0
    summary = _demo_summary(monkeypatch)
    assert "the fake 四平台 is off (FAKE_PLATFORM_PORT=0): nothing forwarded" in summary
    assert "forwarded to" not in summary
    assert not Forwarding.objects.exists()


def test_the_demo_summary_names_the_forwarded_case_only_when_there_is_one(
    db, settings, monkeypatch, tmp_path
):
    settings.VAR_DIR = tmp_path
    settings.FAKE_PLATFORM_PORT = _free_port()
    summary = _demo_summary(monkeypatch)
    assert "a case forwarded to the fake 四平台" in summary
    assert Forwarding.objects.count() == 1
    # The platform did not answer: no forwarding, and the summary says so.
    assert "no case forwarded" in demo.summary({**demo.load(), "forwarding": None})
