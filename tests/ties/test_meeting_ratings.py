"""Themed meetings: each deputy of the meeting rates the department's answer on their own
(one rating per deputy per round); staff enter it only for deputies without an account."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import IllegalTransition
from petitions.choices import Satisfaction, Status
from petitions.event_notes import render_note
from petitions.models import Rating
from tests import factories as f
from tests.petitions.public_support import to_feedback_given
from ties import services
from ties.models import MeetingRating

from .support import make_item, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def li(world):
    """李军, a second deputy of station A with an account of his own."""
    user = f.UserFactory(username="lijun")
    deputy = f.DeputyFactory(name="李军", user=user)
    f.StationAssignmentFactory(deputy=deputy, station=world.station_a)
    return deputy


@pytest.fixture
def zhou(world):
    """周萍, a deputy of station A without an account: staff enter her rating."""
    deputy = f.DeputyFactory(name="周萍", user=None)
    f.StationAssignmentFactory(deputy=deputy, station=world.station_a)
    return deputy


def _item(world, *deputies):
    meeting = make_meeting(world, deputies=[world.deputy_dave, *deputies])
    item = make_item(world, meeting)
    to_feedback_given(world, item.petition)
    return item


def _mine(item):
    return f"/ties/items/{item.pk}/my-rating/"


def test_a_deputy_rates_the_answer_on_a_phone_page_from_the_to_do_home(client, world):
    item = _item(world)
    client.force_login(world.user("deputy"))
    home = client.get("/today/").content.decode()
    assert "Themed-meeting answers to rate" in home and "/ties/meetings/ratings/" in home
    listing = client.get("/ties/meetings/ratings/").content.decode()
    assert "加装电梯审批慢" in listing and _mine(item) in listing
    page = client.get(_mine(item)).content.decode()
    assert "路灯已于本周更换完毕" in page and 'name="satisfaction"' in page
    response = client.post(_mine(item), {"satisfaction": "basic", "comment": "基本满意"})
    assert response.status_code == 302 and response["Location"] == "/ties/meetings/ratings/"
    item.petition.refresh_from_db()
    assert (item.petition.status, item.petition.satisfaction) == (Status.CLOSED, "basic")
    rating = MeetingRating.objects.get()
    assert (rating.deputy, rating.recorded_by, rating.round) == (world.deputy_dave, None, 0)
    loop_rating = Rating.objects.get(petition=item.petition)
    assert loop_rating.recorded_by is None  # not staff-recorded
    event = item.petition.events.last()
    assert event.actor == world.user("deputy")
    assert "the deputies' own rating" in render_note(event.note)
    assert "基本满意" not in event.public_note  # the deputy's words stay internal
    listing = client.get("/ties/meetings/ratings/").content.decode()
    assert "No answer is waiting for your rating." in listing and "Rated by you" in listing
    assert "You rated this answer" in client.get(_mine(item)).content.decode()
    assert "Themed-meeting answers to rate" not in client.get("/today/").content.decode()


def test_the_case_waits_for_every_deputy_and_takes_the_lowest_rating(world, li):
    item = _item(world, li)
    services.meeting_item_rate(actor=world.user("deputy"), item=item, satisfaction="satisfied")
    item.petition.refresh_from_db()
    assert item.petition.status == Status.FEEDBACK_GIVEN
    assert [i.pk for i in services.meeting_ratings_due(li.user)] == [item.pk]
    assert services.meeting_ratings_due(world.user("deputy")) == []
    services.meeting_item_rate(actor=li.user, item=item, satisfaction="basic")
    item.refresh_from_db()
    item.petition.refresh_from_db()
    assert item.petition.status == Status.CLOSED
    assert item.deputies_rating == item.petition.satisfaction == Satisfaction.BASIC


def test_one_unsatisfied_deputy_reopens_the_case_at_once_and_the_next_round_is_rated_anew(
    world, li
):
    item = _item(world, li)
    services.meeting_item_rate(actor=li.user, item=item, satisfaction="unsatisfied")
    item.petition.refresh_from_db()
    assert (item.petition.status, item.petition.reopen_count) == (Status.HANDLING, 1)
    with pytest.raises(IllegalTransition):  # nothing to rate until the department answers again
        services.meeting_item_rate(actor=world.user("deputy"), item=item, satisfaction="satisfied")
    # The department answers again; both rate the new round.
    from petitions import services as ps
    from petitions.choices import FeedbackMethod

    ps.petition_reply(actor=world.user("handler"), petition=item.petition, body="已开通绿色通道。")
    ps.petition_give_feedback(
        actor=world.user("staff"), petition=item.petition, method=FeedbackMethod.PHONE
    )
    services.meeting_item_rate(actor=li.user, item=item, satisfaction="satisfied")
    services.meeting_item_rate(actor=world.user("deputy"), item=item, satisfaction="satisfied")
    item.petition.refresh_from_db()
    assert item.petition.status == Status.CLOSED
    assert MeetingRating.objects.filter(item=item).count() == 3


def test_one_rating_per_deputy_per_round(world, li):
    item = _item(world, li)
    services.meeting_item_rate(actor=li.user, item=item, satisfaction="satisfied")
    with pytest.raises(IllegalTransition, match="already rated"):
        services.meeting_item_rate(actor=li.user, item=item, satisfaction="basic")
    assert MeetingRating.objects.count() == 1


def test_staff_enter_the_rating_only_for_a_deputy_without_an_account(client, world, zhou, li):
    item = _item(world, zhou, li)
    staff = world.user("staff")
    with pytest.raises(ValidationError, match="rates the answer on their own"):
        services.meeting_item_rate(actor=staff, item=item, satisfaction="basic", deputy=li)
    with pytest.raises(PermissionDenied):  # staff are not deputies of the meeting
        services.meeting_item_rate(actor=staff, item=item, satisfaction="basic")
    client.force_login(staff)
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    start = page.index(f'action="/ties/items/{item.pk}/rate/"')
    rate_form = page[start : page.index("</form>", start)]
    assert f'<option value="{zhou.pk}">周萍</option>' in rate_form
    assert f'<option value="{li.pk}">' not in rate_form
    client.post(
        f"/ties/items/{item.pk}/rate/",
        {"deputy": zhou.pk, "satisfaction": "satisfied", "comment": "现场表示满意"},
    )
    rating = MeetingRating.objects.get(deputy=zhou)
    assert rating.recorded_by == staff and rating.recorded_by_staff
    page = client.get(item.meeting.get_absolute_url()).content.decode()
    assert "entered by the station" in page and "Waiting for the rating of" in page
    # The last deputies decide on their own accounts.
    services.meeting_item_rate(actor=li.user, item=item, satisfaction="satisfied")
    services.meeting_item_rate(actor=world.user("deputy"), item=item, satisfaction="satisfied")
    item.petition.refresh_from_db()
    assert item.petition.status == Status.CLOSED


def test_when_staff_enter_the_deciding_rating_the_loop_marks_it_staff_recorded(world, zhou):
    item = _item(world, zhou)
    services.meeting_item_rate(actor=world.user("deputy"), item=item, satisfaction="satisfied")
    services.meeting_item_rate(
        actor=world.user("staff"), item=item, satisfaction="unsatisfied", deputy=zhou
    )
    item.petition.refresh_from_db()
    assert item.petition.status == Status.HANDLING
    assert Rating.objects.get(petition=item.petition).recorded_by == world.user("staff")


def test_no_rating_before_the_station_gave_feedback(world):
    item = make_item(world)
    with pytest.raises(IllegalTransition):
        services.meeting_item_rate(actor=world.user("deputy"), item=item, satisfaction="satisfied")


def test_only_the_meetings_deputies_rate(client, world, li):
    item = _item(world)  # 戴伟 only
    with pytest.raises(PermissionDenied):
        services.meeting_item_rate(actor=li.user, item=item, satisfaction="satisfied")
    client.force_login(li.user)
    assert client.get(_mine(item)).status_code == 404  # the meeting is not his
    client.force_login(world.user("staff"))
    assert client.get(_mine(item)).status_code == 403


def test_a_rating_left_out_comes_back_with_the_form(client, world):
    item = _item(world)
    client.force_login(world.user("deputy"))
    response = client.post(_mine(item), {"comment": "忘了选"})
    assert response.status_code == 400 and "忘了选" in response.content.decode()
    assert not MeetingRating.objects.exists()
