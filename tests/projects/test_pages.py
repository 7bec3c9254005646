"""The staff pages: voting by login (cast, change), the cycle's report against a hand count,
the dashboard, the Excel ledger, progress with photos."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects import services
from projects.choices import Choice, Rating, Stage, Status
from projects.models import Ballot, BallotAudit, Candidate

from ..images import picture
from .factories import close_vote, make_candidate, make_cycle, open_vote, propose, screen

pytestmark = pytest.mark.django_db


def test_a_deputy_casts_and_changes_a_ballot(as_role, world):
    cycle = make_cycle(world)
    a, b = (screen(world, propose(world, cycle, title=t)) for t in ("电梯加装", "河道治理"))
    open_vote(world, cycle)
    client = as_role("deputy")
    url = reverse("projects:ballot", args=[cycle.pk])
    response = client.post(url, {f"c{a.pk}": Choice.FOR})
    assert response.status_code == 400
    assert "Mark this project: for, against or abstain." in response.content.decode()
    assert not Ballot.objects.exists()
    response = client.post(url, {f"c{a.pk}": Choice.FOR, f"c{b.pk}": Choice.ABSTAIN}, follow=True)
    assert "Your ballot was cast." in response.content.decode()
    response = client.post(
        url, {f"c{a.pk}": Choice.AGAINST, f"c{b.pk}": Choice.ABSTAIN}, follow=True
    )
    assert "Your ballot was changed." in response.content.decode()
    ballot = Ballot.objects.get()
    assert dict(ballot.marks.values_list("candidate_id", "choice")) == {
        a.pk: Choice.AGAINST, b.pk: Choice.ABSTAIN,
    }  # fmt: skip
    assert BallotAudit.objects.count() == 2
    # The cycle page tells the turnout, not the choices.
    page = as_role("clerk").get(reverse("projects:cycle", args=[cycle.pk])).content.decode()
    assert "1 of 1 deputies have cast a ballot." in page


def test_the_cycle_report_matches_a_hand_count(as_role, world):
    today = timezone.localdate()
    cycle = make_cycle(world)
    cs = [screen(world, propose(world, cycle, title=f"项目{i}")) for i in range(3)]
    rejected = propose(world, cycle, title="不列入")
    services.candidate_reject(actor=world.user("clerk"), candidate=rejected, reason="范围外")
    open_vote(world, cycle)
    services.ballot_cast(actor=world.user("deputy"), cycle=cycle,
                         marks={cs[0].pk: Choice.FOR, cs[1].pk: Choice.FOR, cs[2].pk: Choice.AGAINST})  # fmt: skip
    close_vote(world, cycle)
    clerk, handler = world.user("clerk"), world.user("handler")
    done, late = (
        services.candidate_start(actor=clerk, candidate=c, lead_department=world.department)
        for c in cs[:2]
    )
    m1 = services.milestone_add(
        actor=handler, candidate=done, title="设计", due_date=today - dt.timedelta(days=5)
    )
    services.milestone_done(
        actor=handler, candidate=done, milestone=m1, done_on=today - dt.timedelta(days=6)
    )
    m2 = services.milestone_add(
        actor=handler, candidate=done, title="施工", due_date=today - dt.timedelta(days=3)
    )
    services.milestone_done(
        actor=handler, candidate=done, milestone=m2, done_on=today - dt.timedelta(days=1)
    )
    services.milestone_add(
        actor=handler, candidate=late, title="招标", due_date=today - dt.timedelta(days=2)
    )
    services.milestone_add(
        actor=handler, candidate=late, title="验收", due_date=today + dt.timedelta(days=20)
    )
    services.candidate_complete(
        actor=handler, candidate=done, completed_at=today, spent=Decimal("99.5")
    )
    services.deputy_rate(actor=world.user("deputy"), candidate=done, rating=Rating.SATISFIED)
    services.deputy_rate(actor=world.user("deputy"), candidate=late, rating=Rating.UNSATISFIED)
    for phone, rating in (
        ("13900000001", Rating.SATISFIED),
        ("13900000002", Rating.BASIC),
        ("13900000003", Rating.UNSATISFIED),
        ("13900000004", Rating.SATISFIED),
    ):
        services.survey_record(actor=clerk, candidate=done, phone=phone, rating=rating)  # fmt: skip
    html = as_role("clerk").get(reverse("projects:cycle", args=[cycle.pk])).content.decode()
    # chosen 2 (of 3 on the ballot), completed 1 → 50.0%; milestones due 3 (two done, one late),
    # on time 1 (设计) → 33.3%, 1 overdue; money 240 estimated (2 × 120), 99.50 spent;
    # deputies 1 of 2 satisfied → 50.0%; constituents 3 of 4 satisfied or basically → 75.0%.
    assert 'data-figure="chosen">2<' in html
    assert 'data-figure="completed">1 · 50.0%<' in html
    assert 'data-figure="on_time">1 / 3 · 33.3%<' in html
    assert "1 overdue" in html
    assert 'data-figure="money">240.00 / 99.50<' in html
    assert 'data-figure="deputies_satisfaction">50.0%<' in html
    assert 'data-figure="public_satisfaction">75.0%<' in html

    dash = as_role("city_clerk").get(reverse("projects:dashboard")).content.decode()
    assert f'data-cycle="{cycle.pk}"' in dash
    assert 'data-figure="candidates">4<' in dash and 'data-figure="reserve">3<' in dash
    assert 'data-figure="on_time">33.3%<' in dash
    # another district's clerk does not see the cycle
    assert (
        f'data-cycle="{cycle.pk}"'
        not in as_role("other_clerk").get(reverse("projects:dashboard")).content.decode()
    )


def test_the_ledger_lists_the_projects(as_role, world):
    c = make_candidate(world, Status.COMPLETED)
    response = as_role("clerk").get(reverse("projects:ledger"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Year", "Region", "Project")
    assert rows[1][:5] == (c.cycle.year, "南湖区", "老旧小区加装电梯", "Deputy", "Completed")
    assert rows[1][6:9] == (120, 110, 1)


def test_progress_with_a_photo(as_role, world):
    c = make_candidate(world, Status.IN_PROGRESS)
    client = as_role("handler")
    response = client.post(
        reverse("projects:act", args=[c.pk, "report"]),
        {"version": c.version, "text": "主体完工", "percent": 70,
         "photos": [SimpleUploadedFile("现场.png", picture())]},
    )  # fmt: skip
    assert response.status_code == 302
    report = Candidate.objects.get(pk=c.pk).reports.get()
    assert report.percent == 70
    photo = report.photos.get()
    assert client.get(reverse("projects:photo", args=[photo.pk]))["Content-Type"] == "image/png"
    # A file that only claims to be a picture is refused, and the text is kept.
    response = client.post(
        reverse("projects:act", args=[c.pk, "report"]),
        {"version": c.version + 1, "text": "第二次", "percent": 80,
         "photos": [SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n<html>")]},
    )  # fmt: skip
    assert response.status_code == 400
    assert "第二次" in response.content.decode()


def test_a_clerk_opens_a_cycle(as_role, world):
    client = as_role("clerk")
    response = client.post(reverse("projects:cycle_create"), {
        "region": world.district_x.pk, "year": 2031, "title": "2031年民生实事", "vote_rule": "choose_n",
    })  # fmt: skip
    assert response.status_code == 200
    assert "Say how many projects each deputy may choose." in response.content.decode()
    response = client.post(reverse("projects:cycle_create"), {
        "region": world.district_x.pk, "year": 2031, "title": "2031年民生实事",
        "vote_rule": "choose_n", "choose_n": 5,
    })  # fmt: skip
    assert response.status_code == 302
    cycle = world.district_x.project_cycles.get()
    assert (cycle.stage, cycle.choose_n) == (Stage.COLLECTING, 5)
    assert list(cycle.vote_administrators.all()) == [world.user("clerk")]
    # another district's clerk cannot open one for district X
    form = as_role("other_clerk").get(reverse("projects:cycle_create")).context["form"]
    assert world.district_x not in form.fields["region"].queryset


def test_carry_over_puts_the_project_into_next_years_cycle(world):
    c = make_candidate(world, Status.IN_PROGRESS)
    new = services.candidate_carry_over(actor=world.user("clerk"), candidate=c, note="未完工")
    assert Candidate.objects.get(pk=c.pk).status == Status.CARRIED_OVER
    assert (new.cycle.year, new.cycle.region, new.status, new.carried_from) == (
        c.cycle.year + 1, c.cycle.region, Status.PROPOSED, c,
    )  # fmt: skip


def test_the_ballot_page_speaks_chinese(as_role, world):
    from django.utils import translation

    c = make_candidate(world, Status.ON_BALLOT)
    client = as_role("deputy")
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        html = client.get(reverse("projects:ballot", args=[c.cycle.pk])).content.decode()
    assert "我的选票" in html and "赞成" in html and "弃权" in html
    assert "My ballot" not in html and "Abstain" not in html
