"""The public side: the open call (captcha, consent, rate limit), the link on a constituent's
tracking page, the public project page (public fields only) and rating by SMS code."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core.models import OutboxMessage
from projects import services
from projects.choices import Rating, Source, Status
from projects.models import Candidate, PublicRating

from ..petitions.public_support import CAPTCHA, known_captcha, submit
from .factories import make_candidate, make_cycle

pytestmark = pytest.mark.django_db


def _call_data(client, cycle, **over):
    page = client.get(reverse("projects_public:call", args=[cycle.pk]))
    data = {
        "title": "社区口袋公园",
        "description": "利用老城区边角地块建设口袋公园。",
        "name": "李四",
        "phone": "13812345678",
        "consent": "on",
        "captcha": CAPTCHA,
        "captcha_token": page.context["captcha"].token,
    }
    data.update(over)
    return data


def test_a_constituent_proposes_a_project(client, world, monkeypatch):
    known_captcha(monkeypatch)
    cycle = make_cycle(world)
    response = client.post(
        reverse("projects_public:call", args=[cycle.pk]), _call_data(client, cycle)
    )
    assert response.status_code == 302
    c = Candidate.objects.get(cycle=cycle)
    assert (c.title, c.source, c.status, c.proposer_phone) == (
        "社区口袋公园", Source.PUBLIC, Status.PROPOSED, "13812345678",
    )  # fmt: skip
    # The clerks of the region are told.
    assert OutboxMessage.objects.filter(
        user=world.user("clerk"), subject__contains="社区口袋公园"
    ).exists()


def test_a_wrong_captcha_or_no_consent_keeps_what_was_typed(client, world, monkeypatch):
    known_captcha(monkeypatch)
    cycle = make_cycle(world)
    data = _call_data(client, cycle, captcha="WRONG")
    del data["consent"]
    response = client.post(reverse("projects_public:call", args=[cycle.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please agree to the handling of your personal data." in html
    assert "The characters do not match the picture" in html
    assert "利用老城区边角地块建设口袋公园。" in html
    assert not Candidate.objects.exists()


@override_settings(PUBLIC_SUBMIT_RATE=1)
def test_the_call_is_rate_limited_per_network(client, world, monkeypatch):
    known_captcha(monkeypatch)
    cycle = make_cycle(world)
    url = reverse("projects_public:call", args=[cycle.pk])
    assert client.post(url, _call_data(client, cycle)).status_code == 302
    response = client.post(url, _call_data(client, cycle, title="第二条"))
    assert response.status_code == 429
    assert "第二条" in response.content.decode()
    assert Candidate.objects.count() == 1


def test_the_call_closes_when_the_vote_opens(client, world):
    c = make_candidate(world, Status.ON_BALLOT)
    response = client.get(reverse("projects_public:call", args=[c.cycle.pk]))
    assert response.status_code == 404
    assert "The call for proposals is closed" in response.content.decode()


def test_a_linked_case_shows_the_project_title_and_status_on_its_tracking_page(client, world):
    petition = submit(world)
    cycle = make_cycle(world)
    c = services.candidate_propose(
        actor=world.user("staff"), cycle=cycle, title="幸福里路灯改造", description="内部说明：预算待定",
        petitions=[petition], station=world.station_a,
    )  # fmt: skip
    assert c.source == Source.STATION
    html = client.get(
        reverse("public:track_detail", args=[petition.tracking_code])
    ).content.decode()
    assert "幸福里路灯改造" in html and "Proposed" in html
    assert "内部说明" not in html  # only the title and status
    services.candidate_screen(
        actor=world.user("clerk"), candidate=c, recommendation="推荐意见：列入"
    )
    html = client.get(
        reverse("public:track_detail", args=[petition.tracking_code])
    ).content.decode()
    assert "In the reserve list" in html and "推荐意见" not in html


def test_a_case_without_a_project_shows_no_section(client, world):
    petition = submit(world)
    html = client.get(
        reverse("public:track_detail", args=[petition.tracking_code])
    ).content.decode()
    assert "data-projects" not in html


def test_the_public_project_page_shows_progress_but_no_internal_notes(client, world):
    c = make_candidate(world, Status.IN_PROGRESS)
    services.milestone_add(
        actor=world.user("handler"), candidate=c, title="完成招标", due_date=dt.date(2099, 3, 1)
    )
    services.progress_report(
        actor=world.user("handler"), candidate=c, text="主体施工过半", percent=55
    )
    services.inspection_record(actor=world.user("deputy"), candidate=c, visited_on=dt.date.today(),
                               opinion="视察意见：工期偏紧")  # fmt: skip
    html = client.get(reverse("projects_public:project", args=[c.pk])).content.decode()
    assert 'data-progress="55"' in html
    assert "完成招标" in html and "主体施工过半" in html
    assert "视察意见" not in html and "建议列入储备库" not in html  # inspection and screening notes


def test_a_proposal_has_no_public_page(client, world):
    c = make_candidate(world, Status.RESERVE)
    assert client.get(reverse("projects_public:project", args=[c.pk])).status_code == 404


def test_a_constituent_rates_once_per_phone_with_an_sms_code(client, world, monkeypatch):
    known_captcha(monkeypatch)
    c = make_candidate(world, Status.COMPLETED)
    url = reverse("projects_public:rate", args=[c.pk])
    page = client.get(url)
    response = client.post(url, {"send_code": "1", "phone": "13912345678", "captcha": CAPTCHA,
                                 "captcha_token": page.context["captcha"].token})  # fmt: skip
    assert response.status_code == 200
    sms = OutboxMessage.objects.get(channel="sms", address="13912345678")
    code = sms.subject.split()[4]
    assert len(code) == 6 and code.isdigit()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(url, {"phone": "13912345678", "code": wrong, "rating": Rating.BASIC})
    assert response.status_code == 400 and "The code is not right" in response.content.decode()
    response = client.post(url, {"phone": "13912345678", "code": code, "rating": Rating.BASIC})
    assert response.status_code == 302
    assert PublicRating.objects.get(candidate=c).rating == Rating.BASIC
    # The same phone cannot rate again, and the number is not stored.
    page = client.get(url)
    response = client.post(url, {"send_code": "1", "phone": "13912345678", "captcha": CAPTCHA,
                                 "captcha_token": page.context["captcha"].token})  # fmt: skip
    assert "already rated" in response.content.decode()
    assert not PublicRating.objects.filter(phone_hash__contains="13912345678").exists()


def test_the_public_pages_speak_chinese(client, world):
    c = make_candidate(world, Status.IN_PROGRESS)
    with translation.override("zh-hans"):
        client.cookies["django_language"] = "zh-hans"
        html = client.get(
            reverse("projects_public:project", args=[c.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert "实施中" in html and "进度" in html
    assert "Being carried out" not in html and "Progress" not in html


def test_wrong_codes_are_limited_per_network(client, world, monkeypatch):
    from projects import public_views

    monkeypatch.setattr(public_views, "RATE_FAILURES_PER_HOUR", 1)
    c = make_candidate(world, Status.COMPLETED)
    code = services.rating_code_issue(candidate=c, phone="13912345678")
    url = reverse("projects_public:rate", args=[c.pk])
    wrong = "000000" if code != "000000" else "111111"
    data = {"phone": "13912345678", "code": wrong, "rating": Rating.BASIC}
    assert client.post(url, data).status_code == 400
    response = client.post(url, data)
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
