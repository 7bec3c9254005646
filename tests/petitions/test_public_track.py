"""Looking a case up by tracking code: /p/track/, /p/track/<code>/ and the receipt."""

from types import SimpleNamespace

from django.test import Client
from django.urls import reverse

from petitions import public_views, ratelimit

from .public_support import ADDRESS, ID_NUMBER, NAME, PHONE, submit, to_feedback_given


def test_it_finds_a_case_from_messy_input(client, world):
    petition = submit(world)
    messy = " " + petition.display_code.lower().replace("-", " - ") + " "

    response = client.get(reverse("public:track"), {"code": messy})

    assert response.status_code == 302
    assert response.url == reverse("public:track_detail", args=[petition.tracking_code])


def test_it_says_when_no_case_has_the_code(client, world):
    submit(world)

    response = client.get(reverse("public:track"), {"code": "ABCD-EFGH-JKMN-PQ"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "No case has this tracking code" in html
    assert 'value="ABCD-EFGH-JKMN-PQ"' in html


def test_it_explains_a_malformed_code(client, world):
    response = client.get(reverse("public:track"), {"code": "12"})
    assert "A tracking code has 14 letters and digits" in response.content.decode()


def test_it_stops_guessing_after_too_many_misses(client, world, monkeypatch):
    # One fixed window: a run that straddles a minute boundary would split the count.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    assert _misses(client, public_views.LOOKUP_MISSES_PER_MINUTE) == [200] * 30

    response = client.get(reverse("public:track"), {"code": "ABCD-EFGH-JKMN-PR"})
    detail = client.get(reverse("public:track_detail", args=["ABCDEFGHJKMNPR"]))
    malformed = client.get(reverse("public:track"), {"code": "12"})

    assert response.status_code == detail.status_code == malformed.status_code == 429
    assert "Too many tracking codes were looked up" in response.content.decode()


def test_a_neighbours_valid_code_still_works_after_a_guesser_used_up_the_address(
    client, world, monkeypatch
):
    """Issue 9 #8: misses are throttled, not hits, so one NAT address does not lock everyone."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))
    petition = submit(world)
    guesser = Client(REMOTE_ADDR="10.5.5.5")
    for _ in range(public_views.LOOKUP_MISSES_PER_MINUTE + 10):
        guesser.get(reverse("public:track"), {"code": "ABCD-EFGH-JKMN-PQ"})
    assert guesser.get(reverse("public:track"), {"code": "ABCD-EFGH-JKMN-PQ"}).status_code == 429

    neighbour = Client(REMOTE_ADDR="10.5.5.5")
    found = neighbour.get(reverse("public:track"), {"code": petition.display_code})
    assert found.status_code == 302
    assert neighbour.get(found.url).status_code == 200
    receipt = neighbour.get(reverse("public:receipt", args=[petition.tracking_code]))
    assert receipt.status_code == 200


def test_it_answers_404_for_an_unknown_code(client, world):
    response = client.get(reverse("public:track_detail", args=["ABCDEFGHJKMNPQ"]))
    assert response.status_code == 404
    assert "No case has this tracking code" in response.content.decode()


def test_it_shows_progress_without_personal_data(client, world):
    petition = to_feedback_given(world, submit(world))

    response = client.get(reverse("public:track_detail", args=[petition.tracking_code]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "张**" in html
    for secret in (NAME, PHONE, ADDRESS, ID_NUMBER, ID_NUMBER[-4:]):
        assert secret not in html
    # Staff names never appear, only roles.
    for user in (world.user("staff"), world.user("handler")):
        assert user.full_name not in html
        assert user.username not in html.split("<main", 1)[1]
    assert "Liaison station" in html and "Department" in html
    assert "路灯已于本周更换完毕。" in html  # the reply
    assert 'aria-current="step"' in html
    assert "Rate how your case was handled" in html


def test_it_hides_internal_events(client, world):
    petition = to_feedback_given(world, submit(world))
    triage = petition.events.get(to_status="triaged")
    triage.note = "内部备注：此人多次来访"
    triage.save()

    html = client.get(reverse("public:track_detail", args=[petition.tracking_code])).content
    assert "内部备注" not in html.decode()


def test_it_shows_a_masked_receipt_to_whoever_has_the_code(client, world):
    petition = submit(world)

    html = client.get(reverse("public:receipt", args=[petition.tracking_code])).content.decode()

    assert "138****8000" in html and "张**" in html
    assert PHONE not in html and NAME not in html and ADDRESS not in html
    assert "Thank you. Your opinion has been sent." not in html  # not submitted in this session
    assert "Print receipt" in html


class _Clock:
    """ratelimit's clock, moved by hand: the windows are fixed, so the counts are exact."""

    def __init__(self, monkeypatch, start: float = 1_800_000_000.0) -> None:  # an hour boundary
        self.t = start
        monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: self.t))


def _misses(client, n: int, *, prefix: str = "") -> list[int]:
    """n lookups of codes that do not exist; the status of each answer (200 = "not found")."""
    from petitions.models import new_tracking_code

    answers = []
    for _ in range(n):
        code = prefix + new_tracking_code()[len(prefix) :]
        answers.append(client.get(reverse("public:track"), {"code": code}).status_code)
    return answers


def test_one_address_gets_40_answers_an_hour_at_any_speed(world, monkeypatch):
    clock = _Clock(monkeypatch)
    guesser = Client(REMOTE_ADDR="10.9.0.1")
    first_minute = _misses(guesser, 35)
    clock.t += 60
    second_minute = _misses(guesser, 20)
    clock.t += 58 * 60  # still the same hour
    late = _misses(guesser, 5)

    assert first_minute == [200] * 30 + [429] * 5  # the minute's 30
    assert second_minute == [200] * 10 + [429] * 10  # the hour's 40
    assert late == [429] * 5
    # 60 guesses, 40 answered: at 10,000 guesses that is 99.6 % refused.

    # Someone else at the same network looks up their own case, and mistypes once.
    petition = submit(world)
    neighbour = Client(REMOTE_ADDR="10.9.0.2")
    assert (
        neighbour.get(reverse("public:track"), {"code": petition.display_code}).status_code == 302
    )
    assert _misses(neighbour, 1) == [200]
    # The guesser's own address still finds a real case (hits are never refused).
    assert guesser.get(reverse("public:track"), {"code": petition.display_code}).status_code == 302

    clock.t += 2 * 60  # the next hour
    assert _misses(guesser, 1) == [200]


def test_guessing_the_rest_of_a_known_code_start_is_stopped_across_addresses(world, monkeypatch):
    _Clock(monkeypatch)
    petition = submit(world)
    start = petition.tracking_code[: public_views.LOOKUP_PREFIX]
    answers = []
    for i in range(11):  # each from another network
        answers += _misses(Client(REMOTE_ADDR=f"10.{i + 20}.0.1"), 1, prefix=start)
    assert answers == [200] * 10 + [429]
    # Another start from the same kind of fresh address is answered; the real code is found.
    assert _misses(Client(REMOTE_ADDR="10.40.0.1"), 1) == [200]
    owner = Client(REMOTE_ADDR="10.41.0.1")
    assert owner.get(reverse("public:track"), {"code": petition.display_code}).status_code == 302


def test_a_script_rotating_through_its_network_gets_200_answers_an_hour(world, monkeypatch):
    clock = _Clock(monkeypatch)
    answers = []
    for host in range(1, 6):
        guesser = Client(REMOTE_ADDR=f"10.7.7.{host}")
        answers += _misses(guesser, 30)
        clock.t += 60  # past the minute's limit of each address
        answers += _misses(guesser, 10)
    assert answers == [200] * 200
    assert _misses(Client(REMOTE_ADDR="10.7.7.6"), 1) == [429]
    assert _misses(Client(REMOTE_ADDR="10.7.8.1"), 1) == [200]  # the next /24
