"""Pairing (结对): pairs, contacts, a case in one click, committee pairings, 五公开 by name."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import PersonalDataReveal
from petitions.choices import Channel
from tests import factories as f
from ties import services
from ties.models import CommitteeLink

from .support import PAIR_PHONE, make_contact, make_pair

pytestmark = pytest.mark.django_db


def test_it_lists_the_pair_with_a_masked_phone(client, world):
    make_pair(world)
    client.force_login(world.user("deputy"))
    html = client.get("/ties/pairs/").content.decode()
    assert "王秀英" in html
    assert "137****5678" in html
    assert PAIR_PHONE not in html


def test_the_full_phone_is_shown_once_and_recorded(client, world):
    pair = make_pair(world)
    client.force_login(world.user("staff"))
    html = client.post(f"/ties/pairs/{pair.pk}/phone/", {"reason": "call_back"}).content.decode()
    assert PAIR_PHONE in html
    reveal = PersonalDataReveal.objects.get()
    assert (reveal.user, reveal.subject_id, reveal.field) == (world.user("staff"), pair.pk, "phone")


def test_a_clerk_sees_the_pair_but_may_not_show_the_phone(client, world):
    pair = make_pair(world)
    client.force_login(world.user("clerk"))
    assert client.get(f"/ties/pairs/{pair.pk}/").status_code == 200
    assert client.post(f"/ties/pairs/{pair.pk}/phone/", {"reason": "call_back"}).status_code == 403
    assert not PersonalDataReveal.objects.exists()


def test_another_deputy_may_not_pair_for_dave(world):
    with pytest.raises(PermissionDenied):
        make_pair(world, actor=world.user("other_deputy"))


def test_an_opinion_becomes_a_case_in_one_click(client, world):
    contact = make_contact(world)
    client.force_login(world.user("deputy"))
    response = client.post(f"/ties/contacts/{contact.pk}/case/", follow=True)
    contact.refresh_from_db()
    petition = contact.petition
    assert petition is not None
    assert (petition.channel, petition.deputy, petition.station) == (
        Channel.DEPUTY_VISIT,
        world.deputy_dave,
        world.station_a,
    )
    assert petition.constituent_name == "王秀英"
    assert petition.consent_at is not None
    assert petition.display_code in response.content.decode()
    # The second click does not make a second case.
    response = client.post(f"/ties/contacts/{contact.pk}/case/", follow=True)
    assert "already a case" in response.content.decode()


def test_the_internal_note_is_not_shown_to_a_clerk(client, world):
    contact = make_contact(world)
    client.force_login(world.user("clerk"))
    html = client.get(f"/ties/pairs/{contact.pair_id}/").content.decode()
    assert "小区门口路灯不亮" in html
    assert "老人独居" not in html


def test_a_contact_in_the_future_is_refused_with_what_was_typed(client, world):
    pair = make_pair(world)
    client.force_login(world.user("deputy"))
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    html = client.post(
        f"/ties/pairs/{pair.pk}/contacts/",
        {"kind": "phone", "on": future, "note": "约好下周再去"},
    ).content.decode()
    assert "A contact cannot be in the future." in html
    assert "约好下周再去" in html


def _grassroots(world, n):
    return [
        f.StationAssignmentFactory(
            deputy=f.DeputyFactory(name=f"基层代表{i}"),
            station=world.station_a,
            start_date=dt.date(2022, 1, 1),
        ).deputy
        for i in range(n)
    ]


@pytest.mark.parametrize(("n", "ok"), [(4, False), (5, True), (8, True), (9, False)])
def test_a_committee_member_has_five_to_eight_grassroots_deputies(world, n, ok):
    deputies = _grassroots(world, n)
    if ok:
        services.committee_pairing_set(
            actor=world.user("clerk"), member=world.deputy_dave, deputies=deputies
        )
        assert CommitteeLink.objects.filter(member=world.deputy_dave).count() == n
    else:
        with pytest.raises(ValidationError, match=f"5 to 8 grassroots deputies; you chose {n}"):
            services.committee_pairing_set(
                actor=world.user("clerk"), member=world.deputy_dave, deputies=deputies
            )


def test_the_committee_form_says_what_is_wrong(client, world):
    deputies = _grassroots(world, 3)
    client.force_login(world.user("clerk"))
    html = client.post(
        f"/ties/committee/{world.deputy_dave.pk}/", {"deputies": [d.pk for d in deputies]}
    ).content.decode()
    assert "you chose 3" in html


def test_the_station_page_lists_the_pairing_by_name_only(client, world):
    make_pair(world)
    html = client.get(f"/stations/s/{world.station_a.public_code}/").content.decode()
    assert "王秀英" in html
    assert "137" not in html.split('id="public-pairing"')[1].split("</div>")[0]
    assert "幸福里小区3幢" not in html
