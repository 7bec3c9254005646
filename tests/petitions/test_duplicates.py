"""Duplicate hints when accepting or triaging: similar open cases of the same station or street
from the last 90 days, each a click from a merge; a re-typed demo case is found in the top 3."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions import duplicates, services
from petitions.choices import OPEN_STATUSES, Channel, Status
from petitions.models import Petition
from petitions.submission import Submission

from .factories import make_petition


def _submit(world, title, content, station=None, actor="staff"):
    return services.petition_submit(
        actor=world.user(actor),
        submission=Submission(
            station=station or world.station_a,
            channel=Channel.PHONE,
            title=title,
            content=content,
            constituent_name="李雷",
            phone="13700000001",
        ),
    )


def test_it_shows_the_similar_open_case_with_a_one_click_merge(as_role, world):
    original = make_petition(world, Status.ACCEPTED)  # 小区加装电梯 / 老旧小区六层无电梯…
    make_petition(world, Status.ACCEPTED, title="河道垃圾清理", content="河边堆满垃圾，气味难闻。")
    again = _submit(
        world, "幸福小区想加装电梯", "我们小区是老旧小区，六层楼没有电梯，老人上下楼很困难。"
    )
    client = as_role("staff")
    body = client.get(again.get_absolute_url()).content.decode()
    hints = body[body.index("data-duplicates") :]
    assert original.display_code in hints
    assert "河道垃圾清理" not in hints
    merge = reverse("petitions:merge", args=[again.pk])
    assert f'action="{merge}"' in hints and f'value="{original.tracking_code}"' in hints
    # The one click: merged into the original.
    client.post(merge, {"version": again.version, "into": original.tracking_code})
    again.refresh_from_db()
    assert again.status == Status.MERGED and again.merged_into == original


def test_it_leaves_out_closed_old_and_far_cases(world, db):
    closed = make_petition(world, Status.CLOSED)
    old = make_petition(world, Status.ACCEPTED)
    Petition.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - dt.timedelta(days=91))
    far = _submit(
        world,
        "小区加装电梯",
        "老旧小区六层无电梯，老人上下楼困难。",
        station=world.station_b,
        actor="far_staff",
    )
    again = _submit(world, "小区加装电梯", "老旧小区六层无电梯，老人上下楼困难。")
    found = {h.petition.pk for h in duplicates.similar_open_cases(again)}
    assert not found & {closed.pk, old.pk, far.pk}


def test_it_shows_at_most_five(world, db):
    for _ in range(7):
        make_petition(world, Status.ACCEPTED)
    again = _submit(world, "小区加装电梯", "老旧小区六层无电梯")
    assert len(duplicates.similar_open_cases(again)) == 5


def test_no_hints_once_the_case_is_assigned(as_role, world):
    make_petition(world, Status.ACCEPTED)
    p = make_petition(world, Status.ASSIGNED)
    assert "data-duplicates" not in as_role("staff").get(p.get_absolute_url()).content.decode()


def _retype(p: Petition) -> tuple[str, str]:
    """The same case told again by someone else: the title reworded around its core, the
    content cut short and padded with other words."""
    core = p.title[: max(4, len(p.title) - 2)]
    content = p.content[: max(12, len(p.content) * 2 // 3)]
    return f"关于{core}的事", f"您好，{content}，希望有人来看看，谢谢。"


@pytest.mark.django_db
def test_a_retyped_demo_case_is_in_the_top_three(monkeypatch):
    """Measured on the demo data (the demo station's cases; the background cases of the other
    stations are left out to keep the test short): every open case of the last 90 days typed
    again is found in the top 3."""
    from deputies import demo as deputies_demo
    from petitions import demo as petitions_demo
    from stations import demo as stations_demo
    from tests.petitions.factories import category

    category()
    stations_demo.load()
    deputies_demo.load()
    monkeypatch.setattr(petitions_demo, "load_background", lambda *a, **k: [])
    petitions_demo.load()
    since = timezone.now() - dt.timedelta(days=duplicates.WINDOW_DAYS)
    originals = list(
        Petition.objects.filter(status__in=OPEN_STATUSES, submitted_at__gte=since).select_related(
            "station"
        )
    )
    assert len(originals) >= 5
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.get(username="staff")
    misses, found = [], 0
    for original in originals:
        title, content = _retype(original)
        again = Petition(station=original.station, title=title, content=content, location_text="")
        again.pk = -1
        top = [h.petition.pk for h in duplicates.similar_open_cases(again, staff)[:3]]
        found += original.pk in top
        if original.pk not in top:
            misses.append((original.title, top))
    assert not misses, (found, len(originals), misses)
