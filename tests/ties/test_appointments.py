"""Appointments (约访 / 点单式接待) and themed meetings (代表出题 → 部门到场)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import IllegalTransition
from core.models import OutboxMessage
from petitions.choices import Channel, ReceptionKind, Satisfaction, Status
from tests.petitions.public_support import CAPTCHA, known_captcha, to_feedback_given
from ties import services
from ties.choices import AppointmentStatus
from ties.loop import APPOINTMENT
from ties.models import Appointment

from .support import make_appointment, make_item, make_meeting

pytestmark = pytest.mark.django_db


def _token(client, url):
    """GET the booking page (which issues the captcha) and read its token, as a browser would."""
    html = client.get(url).content.decode()
    return re.search(r'name="captcha_token" value="([^"]+)"', html).group(1)


def _book(client, world, url, **kw):
    return client.post(url, {**_form(world, **kw), "captcha_token": _token(client, url)})


def _form(world, **kw):
    data = {
        "with_whom": f"d{world.deputy_dave.pk}",
        "topic": "想和代表谈谈小区停车难",
        "preferred_time": "工作日上午",
        "name": "李建国",
        "phone": "139 0000 1111",
        "consent": "on",
        "captcha": CAPTCHA,
    }
    data.update(kw)
    return data


def test_a_constituent_books_a_deputy_from_the_station_page(client, world, monkeypatch):
    known_captcha(monkeypatch)
    page = client.get(f"/stations/s/{world.station_a.public_code}/").content.decode()
    assert f"/m/b/{world.station_a.public_code}/" in page
    url = f"/m/b/{world.station_a.public_code}/"
    response = _book(client, world, url)
    html = client.get(response.url).content.decode()
    assert "Request received" in html and "139****1111" in html
    a = Appointment.objects.get()
    assert (a.deputy, a.phone, a.status) == (world.deputy_dave, "13900001111", "pending")
    assert a.consent_at is not None
    assert OutboxMessage.objects.filter(
        user=world.user("staff"), subject__contains="停车难"
    ).exists()


def test_bad_input_comes_back_with_what_was_typed(client, world, monkeypatch):
    known_captcha(monkeypatch)
    url = f"/m/b/{world.station_a.public_code}/"
    html = _book(client, world, url, consent="", captcha="WRONG").content.decode()
    assert "Please agree to the handling of your personal data." in html
    assert "The characters do not match the picture" in html
    assert "想和代表谈谈小区停车难" in html
    assert not Appointment.objects.exists()


def test_the_booking_rate_limit(client, world, monkeypatch, settings):
    known_captcha(monkeypatch)
    settings.PUBLIC_SUBMIT_RATE = 1
    url = f"/m/b/{world.station_a.public_code}/"
    assert _book(client, world, url).status_code == 302
    response = _book(client, world, url, topic="第二次")
    assert response.status_code == 429
    assert "第二次" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_a_deputy_of_another_station_cannot_be_booked_here(world):
    with pytest.raises(ValidationError):
        make_appointment(world, deputy=world.deputy_peggy)


@pytest.mark.parametrize("row", list(APPOINTMENT), ids=lambda r: r.name)
def test_each_answer_sends_the_message_and_only_staff_may(world, row):
    from django.utils.module_loading import import_string

    service = import_string(row.service)
    a = make_appointment(world)
    with pytest.raises(PermissionDenied):
        service(actor=world.user("other_staff"), appointment=a, message="好的")
    with pytest.raises(ValidationError):
        service(actor=world.user("staff"), appointment=a, message=" ")
    a = service(actor=world.user("staff"), appointment=a, message="请于6月3日上午9点到站")
    assert a.status == row.target
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.address == "13900001111" and "6月3日" in sms.subject
    with pytest.raises(IllegalTransition):
        service(actor=world.user("staff"), appointment=a, message="again")


def test_the_staff_page_confirms_with_a_message(client, world):
    a = make_appointment(world)
    client.force_login(world.user("staff"))
    html = client.get(f"/ties/appointments/{a.pk}/").content.decode()
    assert "李建国" in html and "139****1111" in html and "13900001111" not in html
    client.post(f"/ties/appointments/{a.pk}/confirm/", {"message": "请于周三上午到站"})
    a.refresh_from_db()
    assert a.status == AppointmentStatus.CONFIRMED and a.message == "请于周三上午到站"
    client.force_login(world.user("clerk"))
    html = client.get(f"/ties/appointments/{a.pk}/").content.decode()
    assert "李建国" not in html


def test_an_open_themed_reception_can_be_booked(client, world, monkeypatch):
    known_captcha(monkeypatch)
    meeting = make_meeting(world)
    url = f"/m/b/{world.station_a.public_code}/"
    assert "老旧小区改造进度" in client.get(url).content.decode()
    _book(client, world, url, with_whom=f"m{meeting.pk}")
    assert Appointment.objects.get().meeting == meeting


def test_a_meeting_item_is_a_case_of_the_meeting_reception(world):
    item = make_item(world)
    p = item.petition
    assert p.reception == item.meeting.reception
    assert p.reception.kind == ReceptionKind.DEPARTMENT
    assert (p.channel, p.deputy, p.status) == (
        Channel.RECEPTION,
        world.deputy_dave,
        Status.SUBMITTED,
    )


def test_a_low_rating_by_the_deputies_reopens_the_case_in_the_loop(client, world):
    item = make_item(world)
    to_feedback_given(world, item.petition)
    client.force_login(world.user("deputy"))
    html = client.get(f"/ties/meetings/{item.meeting_id}/").content.decode()
    assert f"/ties/items/{item.pk}/my-rating/" in html
    client.post(
        f"/ties/items/{item.pk}/my-rating/",
        {"satisfaction": "unsatisfied", "comment": "审批仍未提速"},
    )
    item.refresh_from_db()
    item.petition.refresh_from_db()
    assert item.deputies_rating == Satisfaction.UNSATISFIED
    assert (item.petition.status, item.petition.reopen_count) == (Status.HANDLING, 1)


def test_a_satisfied_rating_closes_it(world):
    item = make_item(world)
    to_feedback_given(world, item.petition)
    services.meeting_item_rate(actor=world.user("deputy"), item=item, satisfaction="satisfied")
    item.petition.refresh_from_db()
    assert item.petition.status == Status.CLOSED


def test_a_department_not_invited_is_refused(world):
    meeting = make_meeting(world)
    with pytest.raises(ValidationError, match="not invited"):
        services.meeting_item_add(
            actor=world.user("staff"),
            meeting=meeting,
            raised_by=world.deputy_dave,
            department=world.other_department,
            title="x",
            content="y",
        )


def test_an_answer_without_a_message_comes_back_and_changes_nothing(client, world):
    a = make_appointment(world)
    client.force_login(world.user("staff"))
    response = client.post(f"/ties/appointments/{a.pk}/decline/", {"message": "  "})
    assert response.status_code == 400 and "Nothing was changed" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AppointmentStatus.PENDING


def test_an_answer_already_given_is_a_message_not_an_error_page(client, world):
    a = make_appointment(world)
    services.appointment_confirm(actor=world.user("staff"), appointment=a, message="周三上午")
    client.force_login(world.user("staff"))
    response = client.post(f"/ties/appointments/{a.pk}/decline/", {"message": "改期"}, follow=True)
    assert response.status_code == 200 and "is not possible" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AppointmentStatus.CONFIRMED
