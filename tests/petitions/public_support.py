"""Helpers for the public (constituent) page tests: a petition made through the services."""

from __future__ import annotations

from petitions import captcha, services
from petitions.choices import Channel, FeedbackMethod, Tier, Urgency
from petitions.models import Category, Petition
from petitions.submission import Submission

CAPTCHA = "K7M3P"  # the captcha answer in these tests (see known_captcha)
NAME, PHONE, ADDRESS = "张三丰", "13812348000", "新兴街道幸福里小区3幢501室"
ID_NUMBER = "11010519491231002X"  # a valid check digit
BAD_ID_NUMBER = "110105194912310021"


def known_captcha(monkeypatch) -> None:
    """Make every captcha this test draws have the answer ``CAPTCHA``."""
    monkeypatch.setattr(captcha, "new_answer", lambda: CAPTCHA)


def submit(world, **overrides) -> Petition:
    """A station-QR petition from a named constituent, as petition_submit makes it."""
    data = {
        "actor": None,
        "station": world.station_a,
        "channel": Channel.STATION_QR,
        "title": "路灯坏了",
        "content": "幸福里小区3幢门口的路灯坏了两周。",
        "constituent_name": NAME,
        "phone": PHONE,
        "address": ADDRESS,
        "id_number": ID_NUMBER,
        "consent": True,
    }
    data.update(overrides)
    return services.petition_submit(actor=data.pop("actor"), submission=Submission(**data))


def to_feedback_given(world, petition: Petition) -> Petition:
    """Walk a submitted petition through the loop to feedback_given, as staff and handler."""
    staff, handler = world.user("staff"), world.user("handler")
    p = services.petition_accept(actor=staff, petition=petition)
    p = services.petition_triage(
        actor=staff,
        petition=p,
        category=Category.objects.first(),
        urgency=Urgency.NORMAL,
        tier=Tier.STREET,
    )
    p = services.petition_assign(actor=staff, petition=p, lead_department=world.department)
    p = services.petition_receive(actor=handler, petition=p)
    p = services.petition_reply(actor=handler, petition=p, body="路灯已于本周更换完毕。")
    p = services.petition_give_feedback(actor=staff, petition=p, method=FeedbackMethod.PHONE)
    return p
