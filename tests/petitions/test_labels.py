"""Labels that were wrong or froze in one language (issue "Labels")."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from petitions import services
from petitions.choices import FeedbackMethod, Satisfaction
from petitions.public_forms import SubmitForm

from .factories import make_reception
from .public_support import submit, to_feedback_given


def _client(lang: str, user=None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    if user is not None:
        client.force_login(user)
    return client


def test_it_calls_the_receipts_sender_the_sender_not_a_start_date(world):
    petition = submit(world)
    page = _client("zh-hans").get(reverse("public:receipt", args=[petition.tracking_code]))
    html = page.content.decode()
    assert "提交人" in html
    assert "开始日期" not in html


def test_it_heads_the_reception_times_as_times_and_the_opinions_as_a_list(world):
    reception = make_reception(world)
    staff = world.user("staff")
    listing = _client("zh-hans", staff).get(reverse("petitions:reception_list")).content.decode()
    assert "接待时间" in listing
    assert "接待地点" not in listing
    detail = _client("zh-hans", staff).get(
        reverse("petitions:reception_detail", args=[reception.pk])
    )
    assert "登记的意见建议" in detail.content.decode()
    assert "登记意见建议数" not in detail.content.decode()


def test_the_attachment_help_text_follows_the_language_of_the_request():
    with translation.override("en"):
        english = str(SubmitForm.base_fields["attachments"].help_text)
    with translation.override("zh-hans"):
        chinese = str(SubmitForm.base_fields["attachments"].help_text)
    assert english.startswith("Up to ") and "MB" in english
    assert english != chinese
    assert "MB" in chinese and "Up to" not in chinese


def test_rating_notes_written_by_the_system_read_in_the_readers_language(world):
    petition = to_feedback_given(world, submit(world))
    services.petition_record_rating(
        actor=world.user("staff"),
        petition=petition,
        satisfaction=Satisfaction.SATISFIED,
        method=FeedbackMethod.PHONE,
    )
    code = petition.tracking_code
    english = _client("en").get(reverse("public:track_detail", args=[code])).content.decode()
    chinese = _client("zh-hans").get(reverse("public:track_detail", args=[code])).content.decode()
    assert "Satisfied (recorded by the station)" in english
    assert "满意" not in english
    assert "满意（联络站回访记录）" in chinese
    staff_en = _client("en", world.user("staff")).get(
        reverse("petitions:detail", args=[petition.pk])
    )
    assert "(Phone call, asked on " in staff_en.content.decode()


def test_the_map_axes_are_named_in_the_language_of_the_page(world):
    clerk = world.user("clerk")
    chinese = _client("zh-hans", clerk).get(reverse("reports:map")).content.decode()
    english = _client("en", clerk).get(reverse("reports:map")).content.decode()
    assert '"x": "\\u7ecf\\u5ea6"' in chinese  # 经度 in the page's JSON
    assert '"x": "Longitude"' in english and '"y": "Latitude"' in english


def test_a_refused_page_is_the_products_page_in_english_too(world):
    english = _client("en", world.user("staff")).get(reverse("reports:map_upload"))
    assert english.status_code == 403
    html = english.content.decode()
    assert "403 Forbidden" not in html
    assert "Not allowed" in html and "Deputy Liaison Stations" in html
    chinese = _client("zh-hans", world.user("staff")).get(reverse("reports:map_upload"))
    assert "无权访问" in chinese.content.decode()
