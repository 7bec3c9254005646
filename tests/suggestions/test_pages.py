"""What users see on the suggestion pages, the printable forms and the tracking page."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from petitions.choices import Status as PetitionStatus
from petitions.choices import Tier
from suggestions import services
from suggestions.choices import Classification, CosignStatus, Level, Status
from suggestions.models import Suggestion
from tests.petitions.factories import category, make_petition

from .factories import draft, make_suggestion

pytestmark = pytest.mark.django_db


def test_a_deputy_drafts_from_opinions_and_invites_a_cosigner(world, as_role):
    opinion = make_petition(world, PetitionStatus.TRIAGED, tier=Tier.SUGGESTION)
    other = make_petition(world, PetitionStatus.TRIAGED, tier=Tier.STREET)
    client = as_role("deputy")
    page = client.get(reverse("suggestions:create") + f"?petition={opinion.pk}")
    html = page.content.decode()
    assert opinion.title in html
    assert re.search(rf'name="petitions" value="{opinion.pk}"[^>]*checked', html)
    assert other.display_code not in html  # only opinions triaged "难事代表提"
    response = client.post(
        reverse("suggestions:create"),
        {
            "title": "关于长水塘综合治理的建议",
            "reasons": "水体发黑发臭。",
            "proposals": "截污纳管，定期清淤。",
            "category": category().pk,
            "session": "interim",
            "level": "city",
            "petitions": [opinion.pk],
            "cosigners": [world.deputy_peggy.pk],
        },
    )
    s = Suggestion.objects.get(title="关于长水塘综合治理的建议")
    assert response.status_code == 302 and response.url == s.get_absolute_url()
    assert (s.status, s.region, list(s.petitions.all())) == (Status.DRAFT, world.city, [opinion])
    assert s.cosignatures.get().status == CosignStatus.PENDING
    # 裴佳 is invited: she sees the draft and is offered to answer.
    peggy = as_role("other_deputy").get(s.get_absolute_url()).content.decode()
    assert 'data-action="cosign"' in peggy


def test_a_bad_draft_keeps_what_was_typed(world, as_role):
    response = as_role("deputy").post(
        reverse("suggestions:create"),
        {"title": "只写了标题", "reasons": "写了理由", "proposals": "", "level": "district"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "只写了标题" in html and "写了理由" in html and "This field is required." in html
    assert not Suggestion.objects.exists()


def test_a_district_draft_cannot_invite_a_deputy_of_another_district(world, as_role):
    response = as_role("deputy").post(
        reverse("suggestions:create"),
        {
            "title": "跨区联名",
            "reasons": "理由",
            "proposals": "建议",
            "category": category().pk,
            "session": "congress",
            "level": "district",
            "cosigners": [world.deputy_peggy.pk],
        },
    )
    assert response.status_code == 200
    assert "cannot co-sign: 裴佳" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_rejected_reply_reopens_the_form_with_the_text(world, as_role):
    s = make_suggestion(world, Status.HANDLING)
    response = as_role("handler").post(
        reverse("suggestions:act", args=[s.pk, "reply"]),
        {"version": s.version, "classification": "B", "body": "列入明年计划。"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "A class-B reply needs the follow-up date." in html
    assert "列入明年计划。" in html
    s.refresh_from_db()
    assert s.status == Status.HANDLING


def test_the_department_replies_with_a_letter_and_the_deputy_sees_it(world, as_role):
    s = make_suggestion(world, Status.HANDLING)
    pdf = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n" + b"0" * 64, "application/pdf")
    response = as_role("handler").post(
        reverse("suggestions:act", args=[s.pk, "reply"]),
        {"version": s.version, "classification": "A", "body": "已采纳，年内实施。", "letter": pdf},
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert (s.status, s.classification) == (Status.REPLIED, Classification.A)
    reply = s.replies.get()
    assert reply.on_time and reply.letter_name == "答复函.pdf"
    client = as_role("deputy")
    detail = client.get(s.get_absolute_url()).content.decode()
    assert "A: solved or adopted" in detail and 'data-action="evaluate"' in detail
    letter = client.get(reverse("suggestions:letter", args=[reply.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    printed = client.get(reverse("suggestions:print_reply", args=[s.pk])).content.decode()
    assert "已采纳，年内实施。" in printed and "Reply to deputy's suggestion No. 1" in printed


def test_the_printed_form_names_number_cosigners_departments_and_limit(world, as_role):
    s = draft(world, level=Level.CITY, cosigners=[world.deputy_peggy])
    services.suggestion_cosign(actor=world.user("other_deputy"), suggestion=s, confirm=True)
    s = services.suggestion_submit(actor=world.user("deputy"), suggestion=s)
    s = services.suggestion_register(actor=world.user("city_clerk"), suggestion=s)
    s = services.suggestion_assign(
        actor=world.user("city_clerk"),
        suggestion=s,
        lead_department=world.department,
        assisting_departments=[world.other_department],
    )
    html = as_role("city_clerk").get(reverse("suggestions:print_form", args=[s.pk])).content
    html = html.decode()
    for text in ("No. 1", s.title, "戴伟", "裴佳", world.department.name,
                 world.other_department.name, s.deadline.isoformat()):  # fmt: skip
        assert text in html, text


def test_lists_are_scoped_by_role(world, as_role):
    mine = make_suggestion(world, Status.HANDLING)
    theirs = make_suggestion(world, Status.HANDLING, side="y", title="秀洲区的建议")
    unassigned = make_suggestion(world, Status.REGISTERED, title="尚未交办的建议")
    for role, seen, unseen in (
        ("clerk", {mine, unassigned}, {theirs}),
        ("city_clerk", {mine, theirs, unassigned}, set()),
        ("handler", {mine}, {theirs, unassigned}),
        ("other_deputy", {theirs}, {mine, unassigned}),
    ):
        html = as_role(role).get(reverse("suggestions:list")).content.decode()
        for s in seen:
            assert s.get_absolute_url() in html, (role, s.title)
        for s in unseen:
            assert s.get_absolute_url() not in html, (role, s.title)


def test_the_overdue_filter(world, as_role):
    late = make_suggestion(world, Status.HANDLING, title="逾期未复")
    make_suggestion(world, Status.HANDLING, title="按期办理中")
    Suggestion.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(1))
    html = as_role("clerk").get(reverse("suggestions:list") + "?overdue=on").content.decode()
    assert "逾期未复" in html and "按期办理中" not in html


def test_the_constituent_follows_the_suggestion_on_the_tracking_page(world, client):
    opinion = make_petition(world, PetitionStatus.TRIAGED, tier=Tier.SUGGESTION)
    s = draft(world, petitions=[opinion], reasons="内部理由：某某局长不作为")
    track = reverse("public:track_detail", args=[opinion.tracking_code])
    assert "data-suggestion" not in client.get(track).content.decode()  # a draft stays private
    s = services.suggestion_submit(actor=world.user("deputy"), suggestion=s)
    s = services.suggestion_register(actor=world.user("clerk"), suggestion=s)
    html = client.get(track).content.decode()
    assert "Your opinion became a deputy's suggestion" in html
    assert s.title in html and "No. 1" in html
    assert 'aria-current="step">' in html and "Registered" in html
    assert "某某局长" not in html  # the reasons are not for the public page


def test_only_those_who_may_open_a_linked_case_see_its_tracking_code(world, as_role):
    opinion = make_petition(world, PetitionStatus.TRIAGED, tier=Tier.SUGGESTION)
    s = make_suggestion(world, Status.HANDLING, petitions=[opinion])
    deputy = as_role("deputy").get(s.get_absolute_url()).content.decode()
    assert opinion.display_code in deputy and opinion.title in deputy
    handler = as_role("handler").get(s.get_absolute_url()).content.decode()
    assert opinion.title in handler and opinion.display_code not in handler
