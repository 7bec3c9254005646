"""The public home at / for visitors without an account, and the short link in their SMS."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.models import OutboxMessage
from reports.ledgers.models import ProgressNotice
from stations.choices import StationKind
from stations.models import Region, Station
from tests import factories as f
from tests.petitions.public_support import submit, to_feedback_given


def _place(station: Station, lat: str, lon: str) -> None:
    station.latitude, station.longitude = Decimal(lat), Decimal(lon)
    station.save(update_fields=["latitude", "longitude"])


def _home(query: dict | None = None, lang: str = "zh-hans") -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(reverse("home"), query or {})
    assert response.status_code == 200
    return response.content.decode()


def _found(html: str) -> list[str]:
    start = html.index('id="found"')
    block = html[start : html.index("</ul>", start)]
    return [
        name
        for name in (
            "新兴街道人大代表联络站",
            "建设街道人大代表联络站",
            "新城街道人大代表联络站",
            "新兴社区联络室",
            "南湖网上联络站",
        )
        if name in block
    ]


def test_it_shows_the_visitor_the_front_door(world):
    html = _home()
    assert "查找联络站" in html and "离我最近" in html and "最新进度公示" in html
    assert 'action="/p/track/"' in html
    assert "工作人员和代表登录" in html


def test_a_logged_in_user_still_gets_their_own_home(world):
    client = Client()
    client.force_login(world.user("clerk"))
    assert client.get("/").url == reverse("reports:overview")


def test_it_finds_the_stations_of_a_street_and_of_a_district(world):
    street = Region.objects.get(name="新兴街道")
    assert _found(_home({"region": street.pk})) == ["新兴街道人大代表联络站", "新兴社区联络室"]
    district = Region.objects.get(name="南湖区")
    assert _found(_home({"region": district.pk})) == [
        "新兴街道人大代表联络站",
        "建设街道人大代表联络站",
        "新兴社区联络室",
    ]


def test_it_finds_a_station_by_part_of_its_name(world):
    assert _found(_home({"q": "新城"})) == ["新城街道人大代表联络站"]


def test_it_lists_the_nearest_station_first_with_its_distance(world):
    _place(world.station_a, "30.7500", "120.7500")  # 11.1 km from the visitor
    _place(world.station_b, "30.7700", "120.7100")  # 9.7 km
    _place(world.station_a2, "30.6000", "121.1000")  # 44.5 km
    html = _home({"lat": "30.7000", "lon": "120.6500"})
    found = html[html.index('id="found"') :]
    assert found.index("新城街道") < found.index("新兴街道") < found.index("建设街道")
    assert "9.7 公里" in found and "11.1 公里" in found and "44.5 公里" in found


def test_online_stations_open_their_submit_form(world):
    online = f.StationFactory.create(
        name="南湖网上联络站", region=world.station_a.region, kind=StationKind.ONLINE
    )
    html = _home()
    block = html[html.index('id="online-stations"') :]
    assert reverse("public:station_submit", args=[online.public_code]) in block
    assert "南湖网上联络站" in block


def test_it_lists_published_notices_only(world):
    from django.utils import timezone

    ProgressNotice.objects.create(
        station=world.station_a,
        period_start="2026-10-01",
        period_end="2026-10-31",
        items=[{"title": "路灯"}],
        published_at=timezone.now(),
    )
    ProgressNotice.objects.create(
        station=world.station_b, period_start="2026-10-01", period_end="2026-10-31"
    )
    block = _home()[_home().index('id="notices"') :]
    block = block[: block.index("</ul>")]
    assert "新兴街道人大代表联络站" in block and "2026-10-01" in block and "1 件" in block
    assert "新城街道人大代表联络站" not in block


def test_the_sms_carries_a_short_link_that_opens_the_tracking_page(world):
    petition = submit(world)
    sms = OutboxMessage.objects.get(dedupe_key=f"petition:{petition.pk}:submitted:sms")
    short = f"{settings.PUBLIC_BASE_URL}/t/{petition.tracking_code}"
    assert short in sms.body
    response = Client().get(f"/t/{petition.tracking_code.lower()}")
    assert response.status_code == 302
    assert response.url == reverse("public:track_detail", args=[petition.tracking_code])
    assert Client().get(response.url).status_code == 200


def test_the_tracking_page_names_the_department_and_speaks_like_the_stepper(world):
    petition = to_feedback_given(world, submit(world))
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("public:track_detail", args=[petition.tracking_code])).content
    html = html.decode()
    assert "Handled by: <strong>南湖区住建局</strong>" in html
    timeline = html[html.index('id="timeline"') :]
    # The stepper's words, not the internal status names.
    assert "With the department" in timeline and "Result told to you" in timeline
    assert "Feedback given" not in timeline and "Handling" not in timeline
    assert 'class="badge text-bg-info" id="status-label">Result told to you<' in html


def test_a_closed_case_has_a_green_badge_and_a_fresh_one_no_department(world):
    from petitions import services
    from petitions.choices import FeedbackMethod, Satisfaction

    petition = to_feedback_given(world, submit(world))
    services.petition_record_rating(
        actor=world.user("staff"),
        petition=petition,
        satisfaction=Satisfaction.SATISFIED,
        method=FeedbackMethod.PHONE,
    )
    html = Client().get(reverse("public:track_detail", args=[petition.tracking_code])).content
    assert b'class="badge text-bg-success" id="status-label"' in html
    fresh = submit(world, title="另一件事")
    html = Client().get(reverse("public:track_detail", args=[fresh.tracking_code])).content
    assert b'id="department"' not in html
    assert b'class="badge text-bg-warning" id="status-label"' in html
