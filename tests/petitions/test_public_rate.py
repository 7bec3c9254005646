"""The constituent's satisfaction rating at /p/track/<code>/rate/."""

from django.urls import reverse

from petitions import public_views
from petitions.choices import RaterKind, Status
from petitions.models import Petition, Rating

from .public_support import PHONE, submit, to_feedback_given


def _url(petition) -> str:
    return reverse("public:rate", args=[petition.tracking_code])


def test_it_refuses_wrong_last_digits_and_changes_nothing(client, world):
    petition = to_feedback_given(world, submit(world))

    response = client.post(
        _url(petition), {"phone_last4": "1234", "satisfaction": "satisfied", "comment": "好"}
    )

    assert response.status_code == 200
    assert "These are not the last four digits" in response.content.decode()
    petition.refresh_from_db()
    assert petition.status == Status.FEEDBACK_GIVEN
    assert not Rating.objects.exists()


def test_it_locks_out_after_too_many_wrong_digits(client, world):
    petition = to_feedback_given(world, submit(world))
    for _ in range(public_views.RATE_FAILURES_PER_HOUR):
        client.post(_url(petition), {"phone_last4": "0000", "satisfaction": "satisfied"})

    response = client.post(_url(petition), {"phone_last4": PHONE[-4:], "satisfaction": "satisfied"})

    assert response.status_code == 429
    assert "Too many wrong attempts" in response.content.decode()
    assert Petition.objects.get().status == Status.FEEDBACK_GIVEN


def test_it_closes_a_satisfied_case(client, world):
    petition = to_feedback_given(world, submit(world))

    response = client.post(
        _url(petition), {"phone_last4": PHONE[-4:], "satisfaction": "satisfied", "comment": "谢谢"}
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

    response = client.post(
        _url(petition),
        {"phone_last4": PHONE[-4:], "satisfaction": "unsatisfied", "comment": "路灯还是不亮"},
    )

    assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.status == Status.HANDLING
    assert petition.reopen_count == 1
    assert "Your case has been reopened" in client.get(response.url).content.decode()


def test_it_asks_why_when_unsatisfied(client, world):
    petition = to_feedback_given(world, submit(world))

    response = client.post(
        _url(petition), {"phone_last4": PHONE[-4:], "satisfaction": "unsatisfied"}
    )

    assert "Please tell us what is still wrong" in response.content.decode()
    assert Petition.objects.get().status == Status.FEEDBACK_GIVEN


def test_it_does_not_rate_before_feedback(client, world):
    petition = submit(world)

    get = client.get(_url(petition))
    post = client.post(_url(petition), {"phone_last4": PHONE[-4:], "satisfaction": "satisfied"})

    assert "cannot be rated yet" in get.content.decode()
    assert "cannot be rated yet" in post.content.decode()
    assert Petition.objects.get().status == Status.SUBMITTED


def test_it_explains_an_anonymous_case_cannot_be_rated_online(client, world):
    petition = submit(world, is_anonymous=True, constituent_name="", phone="", id_number="")
    petition = to_feedback_given(world, petition)

    response = client.get(_url(petition))

    assert "no phone number on file" in response.content.decode()
    assert world.station_a.contact_phone in response.content.decode()
