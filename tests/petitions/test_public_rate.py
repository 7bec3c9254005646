"""The constituent's satisfaction rating at /p/track/<code>/rate/, proved by an SMS code."""

import re

from django.urls import reverse

from core.models import OutboxMessage
from petitions import public_views
from petitions.choices import RaterKind, Status
from petitions.models import Petition, Rating

from .public_support import PHONE, submit, to_feedback_given


def _url(petition) -> str:
    return reverse("public:rate", args=[petition.tracking_code])


def _ask_code(client, petition) -> str:
    """Press "send me a code" and read it from the SMS that went to the registered phone."""
    response = client.post(_url(petition), {"send_code": "1"})
    assert "The code is on its way" in response.content.decode()
    sms = OutboxMessage.objects.filter(
        channel="sms", dedupe_key__startswith=f"petition:{petition.pk}:rating-code:"
    ).latest("pk")
    assert sms.address == PHONE
    return re.search(r"\b(\d{6})\b", sms.subject).group(1)


def test_the_receipt_does_not_hold_the_rating_credential(client, world):
    petition = to_feedback_given(world, submit(world))
    receipt = client.get(reverse("public:receipt", args=[petition.tracking_code])).content.decode()
    code = _ask_code(client, petition)
    assert code not in receipt
    # The last four digits printed (masked) on the receipt no longer open the rating.
    response = client.post(
        _url(petition), {"rating_code": PHONE[-4:] + "00", "satisfaction": "satisfied"}
    )
    assert "This is not the code we sent" in response.content.decode()
    assert Petition.objects.get().status == Status.FEEDBACK_GIVEN


def test_it_refuses_a_wrong_code_and_changes_nothing(client, world):
    petition = to_feedback_given(world, submit(world))
    code = _ask_code(client, petition)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    response = client.post(
        _url(petition), {"rating_code": wrong, "satisfaction": "satisfied", "comment": "好"}
    )

    assert response.status_code == 200
    assert "This is not the code we sent" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Status.FEEDBACK_GIVEN
    assert not Rating.objects.exists()


def test_a_code_dies_after_five_wrong_tries(client, world):
    petition = to_feedback_given(world, submit(world))
    code = _ask_code(client, petition)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        client.post(_url(petition), {"rating_code": wrong, "satisfaction": "satisfied"})

    response = client.post(_url(petition), {"rating_code": code, "satisfaction": "satisfied"})

    assert "The code has expired or was used" in response.content.decode()
    assert Petition.objects.get().status == Status.FEEDBACK_GIVEN


def test_it_locks_out_an_address_after_too_many_wrong_codes(client, world):
    petition = to_feedback_given(world, submit(world))
    for _ in range(public_views.RATE_FAILURES_PER_HOUR):
        client.post(_url(petition), {"rating_code": "000000", "satisfaction": "satisfied"})

    response = client.post(_url(petition), {"rating_code": "123456", "satisfaction": "satisfied"})

    assert response.status_code == 429
    assert "Too many wrong attempts" in response.content.decode()
    assert Petition.objects.get().status == Status.FEEDBACK_GIVEN


def test_it_sends_one_code_a_minute(client, world):
    petition = to_feedback_given(world, submit(world))
    _ask_code(client, petition)
    again = client.post(_url(petition), {"send_code": "1"})
    assert again.status_code == 429
    assert "A code was sent a moment ago" in again.content.decode()


def test_it_closes_a_satisfied_case(client, world):
    petition = to_feedback_given(world, submit(world))
    code = _ask_code(client, petition)

    response = client.post(
        _url(petition), {"rating_code": code, "satisfaction": "satisfied", "comment": "谢谢"}
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Status.CLOSED
    assert petition.ratings.get().rater == RaterKind.CONSTITUENT
    assert "Your case is now closed" in client.get(response.url).content.decode()
    # Rated once: the form is gone.
    again = client.get(_url(petition)).content.decode()
    assert "You have already rated this case" in again


def test_it_reopens_an_unsatisfied_case(client, world):
    petition = to_feedback_given(world, submit(world))
    code = _ask_code(client, petition)

    response = client.post(
        _url(petition),
        {"rating_code": code, "satisfaction": "unsatisfied", "comment": "路灯还是不亮"},
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Status.HANDLING
    assert petition.reopen_count == 1
    assert "Your case has been reopened" in client.get(response.url).content.decode()


def test_it_asks_why_when_unsatisfied(client, world):
    petition = to_feedback_given(world, submit(world))
    code = _ask_code(client, petition)

    response = client.post(_url(petition), {"rating_code": code, "satisfaction": "unsatisfied"})

    assert "Please tell us what is still wrong" in response.content.decode()
    assert Petition.objects.get().status == Status.FEEDBACK_GIVEN


def test_it_does_not_rate_before_feedback(client, world):
    petition = submit(world)

    get = client.get(_url(petition))
    post = client.post(_url(petition), {"rating_code": "123456", "satisfaction": "satisfied"})

    assert "cannot be rated yet" in get.content.decode()
    assert "cannot be rated yet" in post.content.decode()
    assert Petition.objects.get().status == Status.SUBMITTED


def test_it_explains_an_anonymous_case_cannot_be_rated_online(client, world):
    petition = submit(world, is_anonymous=True, constituent_name="", phone="", id_number="")
    petition = to_feedback_given(world, petition)

    response = client.get(_url(petition))

    assert "no phone number on file" in response.content.decode()
    assert world.station_a.contact_phone in response.content.decode()
