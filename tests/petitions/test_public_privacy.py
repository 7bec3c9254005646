"""Nothing typed by staff reaches a public page unless the field says it is for the constituent.

Every free-text field of every loop action (from the registry) gets a unique marker; the case is
walked round the whole loop through the staff pages — including a return, an extension, a
reopening and a staff-recorded rating — and no internal marker may appear on the constituent's
receipt, tracking or rating pages, while the fields meant for the constituent do.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django import forms
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from petitions.choices import FeedbackMethod, Satisfaction, Status, Tier, Urgency
from petitions.forms import CONSTITUENT, audience
from petitions.loop import LOOP
from petitions.models import Category, Petition

from .public_support import submit

_counter = itertools.count()


def _free_text(row) -> dict[str, str]:
    """The free-text fields of an action's form and who reads them."""
    form = import_string(row.form)
    return {
        name: audience(field)
        for name, field in form.base_fields.items()
        if isinstance(field, forms.CharField) and name not in ("into",)
    }


class Walk:
    def __init__(self, world, petition: Petition) -> None:
        self.world, self.p = world, petition
        self.internal: list[str] = []
        self.public: list[str] = []

    def act(self, role: str, action: str, **data) -> None:
        row = LOOP[action]
        self.p.refresh_from_db()
        payload = {"version": self.p.version, **data}
        for name, who in _free_text(row).items():
            if name in data:
                continue
            marker = f"MARK{next(_counter):04d}{action.upper()}{name.upper()}"
            payload[name] = marker
            (self.public if who == CONSTITUENT else self.internal).append(marker)
        client = Client()
        client.force_login(self.world.user(role))
        response = client.post(reverse(row.url_name, args=[self.p.pk]), payload)
        assert response.status_code == 302, (action, response.content.decode()[:2000])
        self.p.refresh_from_db()

    def public_html(self) -> str:
        client = Client()
        code = self.p.tracking_code
        pages = [
            reverse("public:receipt", args=[code]),
            reverse("public:track_detail", args=[code]),
            reverse("public:rate", args=[code]),
        ]
        return "".join(client.get(url).content.decode() for url in pages)


def test_no_internal_note_of_any_action_reaches_a_public_page(world):
    w = Walk(world, submit(world, deputy=world.deputy_dave))
    category = Category.objects.first()
    w.act("staff", "accept")
    w.act("staff", "triage", category=category.pk, urgency=Urgency.NORMAL, tier=Tier.STREET)
    w.act("staff", "assign", lead_department=world.department.pk)
    w.act("handler", "return")
    assert w.p.status == Status.TRIAGED
    w.act("staff", "assign", lead_department=world.department.pk)
    w.act("handler", "receive")
    w.act(
        "handler",
        "extension_request",
        requested_deadline=w.p.deadline + dt.timedelta(days=30),
    )
    w.act("staff", "extension_decide", approve="1")
    w.act("handler", "reply", outcome="solved")
    w.act("deputy", "rate_deputy", satisfaction=Satisfaction.BASIC)
    w.act("staff", "feedback", method=FeedbackMethod.PHONE)
    w.act(
        "staff", "record_rating", satisfaction=Satisfaction.UNSATISFIED, method=FeedbackMethod.VISIT
    )
    assert w.p.status == Status.HANDLING and w.p.reopen_count == 1
    w.act("handler", "reply", outcome="solved")
    w.act("staff", "feedback", method=FeedbackMethod.SMS)
    w.act(
        "staff", "record_rating", satisfaction=Satisfaction.SATISFIED, method=FeedbackMethod.PHONE
    )
    assert w.p.status == Status.CLOSED

    html = w.public_html()
    leaked = [m for m in w.internal if m in html]
    assert not leaked, leaked
    # The reply and the messages addressed to the constituent are what they are meant to read.
    shown = [m for m in w.public if m in html]
    assert shown, "fields meant for the constituent should appear on the tracking page"
    assert len(w.internal) >= 12


def test_declining_and_merging_publish_only_the_reason_and_a_plain_notice(world):
    declined = Walk(world, submit(world))
    declined.act("staff", "decline")
    html = declined.public_html()
    assert declined.public and all(m in html for m in declined.public)

    original = submit(world, title="原件")
    merged = Walk(world, submit(world))
    merged.act("staff", "merge", into=original.tracking_code)
    html = merged.public_html()
    assert not [m for m in merged.internal if m in html]
    assert original.tracking_code not in html and original.display_code not in html


def test_every_free_text_field_of_every_action_declares_its_reader():
    for row in LOOP:
        if not row.form:
            continue
        for name, field in import_string(row.form).base_fields.items():
            if isinstance(field, forms.CharField) and name != "into":
                assert field.help_text, f"{row.name}.{name} does not say who reads it"
