"""Staff, deputy and department pages: what each user sees and what a click changes."""

import pytest
from django.urls import reverse

from petitions.choices import Status
from petitions.models import Petition
from tests.images import picture

from .factories import make_petition, make_reception


def test_it_records_reception_opinions_one_after_another_with_htmx(as_role, world):
    reception = make_reception(world)
    client = as_role("staff")
    url = reverse("petitions:reception_add_petition", args=[reception.pk])
    for title in ("路灯不亮", "河道污染"):
        response = client.post(
            url,
            {
                "constituent_name": "王芳",
                "phone": "13812345678",
                "title": title,
                "content": "请处理",
                "deputy": world.deputy_dave.pk,
                "idempotency_key": title,
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        p = Petition.objects.get(title=title)
        body = response.content.decode()
        assert p.display_code in body and 'hx-swap-oob="afterbegin:#opinion-rows"' in body
        assert 'value="王芳"' not in body  # the form is cleared for the next opinion
    assert reception.petitions.count() == 2


def test_it_keeps_the_input_and_shows_errors_on_a_bad_opinion(as_role, world):
    reception = make_reception(world)
    response = as_role("staff").post(
        reverse("petitions:reception_add_petition", args=[reception.pk]),
        {"constituent_name": "王芳", "id_number": "123", "title": "", "content": "内容"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert 'value="王芳"' in body and "ID number" in body
    assert not Petition.objects.exists()


def test_it_redirects_back_without_javascript(as_role, world):
    reception = make_reception(world)
    response = as_role("staff").post(
        reverse("petitions:reception_add_petition", args=[reception.pk]),
        {"constituent_name": "王芳", "title": "路灯", "content": "不亮"},
    )
    assert response.status_code == 302 and response.url == reception.get_absolute_url()


@pytest.mark.parametrize("role", ["staff", "handler", "deputy", "clerk"])
def test_it_masks_the_phone_for_every_role(as_role, world, role):
    # Those who need it press "show" (test_reveal_contact.py); the page itself never has it.
    p = make_petition(world, Status.ASSIGNED)
    body = as_role(role).get(p.get_absolute_url()).content.decode()
    assert "13812345678" not in body and "138****5678" in body


def test_it_shows_only_the_actions_allowed_now(as_role, world):
    p = make_petition(world, Status.ASSIGNED)
    staff_page = as_role("staff").get(p.get_absolute_url()).content.decode()
    assert reverse("petitions:receive", args=[p.pk]) not in staff_page
    handler_page = as_role("handler").get(p.get_absolute_url()).content.decode()
    assert reverse("petitions:receive", args=[p.pk]) in handler_page
    assert reverse("petitions:accept", args=[p.pk]) not in handler_page


def test_it_refuses_a_stale_form_with_a_message(as_role, world):
    p = make_petition(world, Status.SUBMITTED)
    client = as_role("staff")
    shown = p.version
    client.post(reverse("petitions:accept", args=[p.pk]), {"version": shown})
    response = client.post(
        reverse("petitions:decline", args=[p.pk]), {"version": shown, "reason": "重复"}, follow=True
    )
    assert "changed by someone else" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.ACCEPTED


def test_it_explains_an_illegal_move_and_changes_nothing(as_role, world):
    p = make_petition(world, Status.ASSIGNED)
    response = as_role("staff").post(
        reverse("petitions:accept", args=[p.pk]), {"version": p.version}, follow=True
    )
    assert "not possible" in response.content.decode()
    p.refresh_from_db()
    assert p.status == Status.ASSIGNED


def test_it_walks_the_loop_through_the_pages(as_role, world, client):
    p = make_petition(world, Status.TRIAGED)
    client.force_login(world.user("staff"))
    client.post(
        reverse("petitions:assign", args=[p.pk]),
        {"version": p.version, "lead_department": world.department.pk},
    )
    p.refresh_from_db()
    assert p.status == Status.ASSIGNED and p.deadline
    slip = client.get(reverse("petitions:assignment_slip", args=[p.pk])).content.decode()
    assert p.display_code in slip and "南湖区住建局" in slip
    client.force_login(world.user("handler"))
    client.post(reverse("petitions:receive", args=[p.pk]), {"version": p.version})
    p.refresh_from_db()
    client.post(
        reverse("petitions:reply", args=[p.pk]),
        {"version": p.version, "body": "已处理", "outcome": "solved"},
    )
    p.refresh_from_db()
    assert p.status == Status.REPLIED
    assert "已处理" in client.get(reverse("petitions:reply_slip", args=[p.pk])).content.decode()


def test_department_portal_highlights_overdue_cases(as_role, world):
    import datetime as dt

    from django.utils import timezone

    p = make_petition(world, Status.HANDLING)
    Petition.objects.filter(pk=p.pk).update(deadline=timezone.localdate() - dt.timedelta(days=3))
    body = as_role("handler").get(reverse("petitions:department_cases")).content.decode()
    assert p.display_code in body and "table-danger" in body


def test_the_deputy_page_offers_accept_and_decline(as_role, world):
    p = make_petition(world, Status.SUBMITTED)
    body = as_role("deputy").get(reverse("petitions:my")).content.decode()
    assert reverse("petitions:accept", args=[p.pk]) in body
    assert reverse("petitions:decline", args=[p.pk]) in body


def test_the_list_query_count_does_not_grow_with_rows(
    as_role, world, django_assert_max_num_queries
):
    client = as_role("staff")
    make_petition(world, Status.ASSIGNED)
    with django_assert_max_num_queries(20) as ctx:
        client.get(reverse("petitions:list"))
    few = len(ctx.captured_queries)
    for _ in range(4):
        make_petition(world, Status.ASSIGNED)
    with django_assert_max_num_queries(few):
        client.get(reverse("petitions:list"))


def test_attachments_are_served_only_through_the_scoped_view(as_role, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from petitions.attachments import save_attachments

    settings.MEDIA_ROOT = tmp_path
    p = make_petition(world, Status.ASSIGNED)
    a = save_attachments(p, [SimpleUploadedFile("a.png", picture("PNG"))])[0]
    url = reverse("petitions:attachment", args=[a.pk])
    assert as_role("staff").get(url).status_code == 200
    assert as_role("far_staff").get(url).status_code == 404


def test_it_keeps_what_was_typed_when_an_action_form_is_incomplete(as_role, world):
    """Triage without a tier: the case page comes back with the error and the note kept."""
    petition = make_petition(world, Status.ACCEPTED)
    client = as_role("staff")
    response = client.post(
        reverse("petitions:triage", args=[petition.pk]),
        {"version": petition.version, "urgency": "normal", "note": "先核实再分级"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "先核实再分级" in page
    assert "Nothing was changed" in page
    assert Petition.objects.get(pk=petition.pk).status == Status.ACCEPTED
