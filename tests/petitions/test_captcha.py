"""The public form's captcha (issue 9 #6): one use, failures counted, station floods alerted,
and a text question for people who cannot read the picture."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from core.models import Channel, OutboxMessage
from petitions import captcha
from petitions.models import Category, Petition
from tests.conftest import skip_or_fail

from .public_support import CAPTCHA, known_captcha
from .test_public_submit import _form_data, _station_url


@pytest.fixture(autouse=True)
def _setup(monkeypatch):
    known_captcha(monkeypatch)


def test_one_solved_challenge_is_accepted_once(db):
    """Two posts of one token: the claim (a unique insert) decides, whatever arrives first."""
    token = captcha.issue(None).token
    first = RequestFactory().post("/", {captcha.TOKEN_FIELD: token})
    second = RequestFactory().post("/", {captcha.TOKEN_FIELD: token})
    assert captcha.check(first, CAPTCHA)
    assert not captcha.check(second, CAPTCHA)


def test_the_right_answer_is_refused_after_too_many_wrong_ones(client, world, settings):
    settings.PUBLIC_SUBMIT_RATE = 100
    url = _station_url(world)
    for _ in range(settings.PUBLIC_CAPTCHA_FAILURES):
        client.post(url, _form_data(client, url, captcha="XXXXX"))
    response = client.post(url, _form_data(client, url))
    assert response.status_code == 200
    assert "Too many wrong answers from this network" in response.content.decode()
    assert not Petition.objects.exists()
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post(url, _form_data(other, url)).status_code == 302


def test_wrong_answers_below_the_limit_do_not_block(client, world, settings):
    url = _station_url(world)
    for _ in range(settings.PUBLIC_CAPTCHA_FAILURES - 1):
        client.post(url, _form_data(client, url, captcha="XXXXX"))
    assert client.post(url, _form_data(client, url)).status_code == 302


def _question_answer(html: str) -> str:
    match = re.search(r"What is (\d) (plus|minus) (\d)\?", html)
    assert match, "the form shows a text question"
    a, op, b = int(match[1]), match[2], int(match[3])
    return str(a + b if op == "plus" else a - b)


def test_the_text_question_is_an_alternative_to_the_picture(client, world):
    url = _station_url(world)
    html = client.get(url).content.decode()
    assert 'id="captcha-question"' in html
    # A fresh picture (the refresh button) comes with its own question and token.
    fresh = client.get(reverse("public:captcha"))
    data = _form_data(client, url)
    data["captcha_token"] = fresh.context["captcha"].token
    data["captcha"] = _question_answer(fresh.content.decode())
    assert client.post(url, data).status_code == 302
    assert Petition.objects.count() == 1


def test_a_flood_at_one_station_is_refused_and_its_staff_alerted(world, settings):
    settings.PUBLIC_SUBMIT_STATION_RATE = 3
    url = _station_url(world)
    statuses = []
    for i in range(5):
        visitor = Client(REMOTE_ADDR=f"10.1.0.{i + 1}")
        statuses.append(visitor.post(url, _form_data(visitor, url)).status_code)
    assert statuses == [302, 302, 302, 200, 200]
    assert Petition.objects.count() == 3
    staff = world.user("staff")
    alerts = OutboxMessage.objects.filter(
        user=staff, channel=Channel.IN_APP, subject__contains="Unusually many"
    )
    assert alerts.count() == 1, "one alert per station and hour, not one per refused post"


@pytest.mark.services
@pytest.mark.xdist_group("services")
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_posts_of_one_solved_answer_save_one_case(settings, monkeypatch):
    if connection.vendor != "postgresql":
        skip_or_fail("parallel requests need PostgreSQL (set DATABASE_URL)")
    from tests.world import build_world

    known_captcha(monkeypatch)
    settings.PUBLIC_SUBMIT_RATE = 100
    world = build_world()
    # A transactional test starts from an empty database: the seeded categories are gone.
    Category.objects.get_or_create(name="城乡建设")
    url = _station_url(world)
    client = Client()
    # One solved challenge (its signed token travels in the form; no session is involved).
    data = _form_data(client, url)
    barrier = threading.Barrier(20)
    statuses: list = []

    def post(i):
        c = Client()
        try:
            barrier.wait(timeout=10)
            statuses.append(c.post(url, {**data, "idempotency_key": f"race-{i}"}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Petition.objects.count() == 1
    assert sorted(statuses).count(302) == 1
