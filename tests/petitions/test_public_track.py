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
    for _ in range(public_views.LOOKUP_MISSES_PER_MINUTE):
        client.get(reverse("public:track"), {"code": "ABCD-EFGH-JKMN-PQ"})

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
