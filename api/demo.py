"""Demo rows of the api app: an integration with a known key, a webhook subscription, an
external platform (the fake one, api/fake_platform.py) and one case forwarded to it.

The key printed here is the demo's own and published in docs/integrating.md: like the demo
passwords it must never exist on a real site (``demo_data`` refuses production). Safe to rerun.
"""

from __future__ import annotations

import contextlib
import errno
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from petitions import services as petition_services
from petitions.choices import Channel, Status, Tier, Urgency
from petitions.models import Category, Petition
from petitions.submission import Submission
from stations.models import Region

from . import keys, services
from .fake_platform import FakePlatform
from .models import Access, ExternalPlatform, Forwarding, Integration, Subscription, WebhookEvent

DEMO_KEY = "lk_dec0de01_demo-key-of-the-liaison-demo-never-use-it"
DEMO_SECRET = "demo-webhook-secret"


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message)


def platform_port() -> int:
    """The fake platform's port (settings.FAKE_PLATFORM_PORT); 0 when it is off."""
    return settings.FAKE_PLATFORM_PORT


def platform_store() -> str:
    """Where the fake platform keeps its cases, so the one ``manage.py serve`` starts knows
    the case the demo forwarded to the one it started for the moment."""
    return str(Path(settings.VAR_DIR) / "fake_platform.json")


def load(stdout=None) -> dict:
    region = Region.objects.filter(name="南湖区").first()
    admin = get_user_model().objects.filter(username="admin").first()
    if region is None or admin is None:
        _say(stdout, "No 南湖区 or admin in the demo registry; no integration.\n")
        return {}
    integration = _integration(region, admin)
    _say(
        stdout,
        f"API key of the demo integration «{integration.name}» (南湖区, read-write): {DEMO_KEY}\n"
        f"  try: curl -H 'Authorization: Bearer {DEMO_KEY}' http://127.0.0.1:8000/api/v1/cases/\n",
    )
    if not platform_port():
        # Nothing would answer at a platform's address: no platform, no webhook, no forwarding.
        _say(
            stdout,
            "The fake 四平台 is off (FAKE_PLATFORM_PORT=0): no external platform, webhook "
            "subscription or forwarded case in the demo.\n",
        )
        return {"integration": integration}
    base = f"http://127.0.0.1:{platform_port()}"
    Subscription.objects.get_or_create(
        integration=integration,
        url=f"{base}/webhook",
        defaults={"secret": DEMO_SECRET, "events": list(WebhookEvent.values)},
    )
    platform, _created = ExternalPlatform.objects.get_or_create(
        name="南湖区基层治理四平台",
        defaults={"url": base, "secret": DEMO_SECRET, "region": region},
    )
    platform = services.platform_setup(platform=platform)
    forwarding = Forwarding.objects.filter(platform=platform).first() or _forward(platform)
    if forwarding is not None:
        _say(
            stdout,
            f"Case {forwarding.petition_id} forwarded to {platform} as {forwarding.external_id}\n",
        )
    return {"integration": integration, "platform": platform, "forwarding": forwarding}


def summary(result: dict) -> str:
    """The demo loader's line for what ``load`` did: it depends on FAKE_PLATFORM_PORT and on
    whether the platform answered, so it is read from the result, not fixed."""
    if not result:
        return "no API integration (no 南湖区 or admin in the demo registry)"
    if "platform" not in result:
        return (
            "an API integration; the fake 四平台 is off (FAKE_PLATFORM_PORT=0): nothing forwarded"
        )
    if result["forwarding"] is None:
        return (
            "an API integration, a webhook, the fake 四平台; no case forwarded "
            "(the platform did not answer: run the demo loader again to retry)"
        )
    return "an API integration, a webhook, a case forwarded to the fake 四平台"


@transaction.atomic
def _integration(region: Region, admin) -> Integration:
    prefix = keys.prefix_of(DEMO_KEY)
    assert prefix is not None
    existing = Integration.objects.filter(key_prefix=prefix).first()
    if existing is not None:
        return existing
    integration, _random_key = services.integration_create(
        actor=admin, name="区智慧人大平台", region=region, access=Access.READ_WRITE
    )
    # Demo only: replace the random key with the published one.
    integration.key_prefix, integration.key_hash = prefix, keys.key_hash(DEMO_KEY)
    integration.save(update_fields=["key_prefix", "key_hash"])
    return integration


FORWARDED_TITLE = "背街小巷积水"


def _forwarded_case(staff, station) -> Petition:
    """The demo case the station forwards: submitted by phone, accepted and triaged."""
    p = petition_services.petition_submit(
        actor=staff,
        submission=Submission(
            station=station,
            channel=Channel.PHONE,
            title=FORWARDED_TITLE,
            content="幸福里小区北侧小巷每逢下雨积水，需网格统筹疏通排水。",
            constituent_name="周敏",
            phone="13700001111",
            consent=True,
        ),
    )
    p = petition_services.petition_accept(actor=staff, petition=p)
    return petition_services.petition_triage(
        actor=staff,
        petition=p,
        category=Category.objects.order_by("pk").first(),
        urgency=Urgency.NORMAL,
        tier=Tier.STREET,
    )


def _forward(platform: ExternalPlatform) -> Forwarding | None:
    """A new case at the staff's station, triaged and forwarded to the fake platform (started
    here for the moment if it is not running, e.g. before ``make run`` starts it)."""
    staff = get_user_model().objects.filter(username="staff").first()
    post = staff.staff_posts.select_related("station").first() if staff else None
    if post is None:
        return None
    station = post.station
    # A rerun after a failed forwarding (the platform did not answer) retries the same case
    # instead of submitting another one.
    p = Petition.objects.filter(station=station, title=FORWARDED_TITLE).order_by("pk").first()
    if p is not None and p.status != Status.TRIAGED:
        return None
    if p is None:
        p = _forwarded_case(staff, station)
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(FakePlatform(platform_port(), store=platform_store()))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise  # in use: the platform is already running
        try:
            return services.case_forward(actor=staff, petition=p, platform=platform)
        except services.PlatformError:
            assert Petition.objects.get(pk=p.pk).status == Status.TRIAGED
            return None
