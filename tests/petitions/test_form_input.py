"""Staff forms fold and bound what is typed (issue 9 #7): keys, phones, ID numbers, deadlines."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.choices import Status
from petitions.models import Petition

from .factories import make_petition, make_reception
from .public_support import ID_NUMBER

FULL_WIDTH_ID = ID_NUMBER.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))


def _opinion(world, **overrides) -> dict:
    data = {
        "constituent_name": "王芳",
        "phone": "13812345678",
        "title": "路灯不亮",
        "content": "请处理，谢谢（急）",
        "deputy": world.deputy_dave.pk,
        "idempotency_key": "k1",
    }
    data.update(overrides)
    return data


def _post_opinion(as_role, world, **overrides):
    reception = make_reception(world)
    url = reverse("petitions:reception_add_petition", args=[reception.pk])
    return as_role("staff").post(url, _opinion(world, **overrides))


def test_a_long_idempotency_key_is_a_form_error_on_the_reception_opinion(as_role, world):
    response = _post_opinion(as_role, world, idempotency_key="k" * 65)
    assert response.status_code == 200
    assert not Petition.objects.exists()


def test_a_long_idempotency_key_is_a_form_error_on_the_new_petition_form(as_role, world):
    response = as_role("staff").post(
        reverse("petitions:create"),
        {
            **_opinion(world, idempotency_key="k" * 65),
            "station": world.station_a.pk,
            "channel": "phone",
        },
    )
    assert response.status_code == 200
    assert not Petition.objects.exists()


@pytest.mark.parametrize("phone", ["١٣٨١٢٣٤٥٦٧٨", "13812345678901234567", "¹³⁸¹²³⁴⁵⁶⁷⁸x"])
def test_it_refuses_a_phone_that_is_not_ascii_digits_after_folding(as_role, world, phone):
    response = _post_opinion(as_role, world, phone=phone)
    assert "phone number has 3 to 15 digits" in response.content.decode()
    assert not Petition.objects.exists()


def test_it_stores_a_full_width_phone_and_id_number_as_ascii(as_role, world):
    _post_opinion(as_role, world, phone="１３８ １２３４ ５６７８", id_number=FULL_WIDTH_ID)
    p = Petition.objects.get()
    assert p.phone == "13812345678"
    assert p.id_last4 == ID_NUMBER[-4:]
    assert p.content == "请处理，谢谢（急）"  # prose keeps its full-width punctuation


def _assign(as_role, world, **data):
    p = make_petition(world, Status.TRIAGED)
    response = as_role("staff").post(
        reverse("petitions:assign", args=[p.pk]),
        {"version": p.version, "lead_department": world.department.pk, **data},
    )
    p.refresh_from_db()
    return response, p


def test_assign_refuses_a_deadline_more_than_a_year_ahead(as_role, world):
    response, p = _assign(as_role, world, deadline="9999-12-31")
    assert "at most one year" in response.content.decode()
    assert p.status == Status.TRIAGED


def test_assign_accepts_a_deadline_within_the_year(as_role, world):
    deadline = timezone.localdate() + dt.timedelta(days=30)
    _response, p = _assign(as_role, world, deadline=deadline.isoformat())
    assert p.status == Status.ASSIGNED and p.deadline == deadline


def test_assign_refuses_the_lead_department_as_an_assisting_one(as_role, world):
    response, p = _assign(as_role, world, assisting_departments=[world.department.pk])
    assert "cannot also be an assisting department" in response.content.decode()
    assert p.status == Status.TRIAGED


def test_the_public_form_accepts_a_full_width_id_number_and_phone(client, world, monkeypatch):
    from .public_support import known_captcha
    from .test_public_submit import _form_data, _station_url

    known_captcha(monkeypatch)
    url = _station_url(world)
    data = _form_data(client, url, id_number=FULL_WIDTH_ID, phone="１３８１２３４８０００")
    assert client.post(url, data).status_code == 302
    p = Petition.objects.get()
    assert p.phone == "13812348000" and p.id_last4 == ID_NUMBER[-4:]


def test_a_full_width_id_number_hashes_like_the_ascii_one():
    from core.pii import hash_id_number

    assert hash_id_number(FULL_WIDTH_ID) == hash_id_number(ID_NUMBER)
