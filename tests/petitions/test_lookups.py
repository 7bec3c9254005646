"""The petitions list's type-ahead filters: names, pinyin and initials, within what one may see."""

import datetime as dt

from django.urls import reverse

from tests import factories as f


def _names(client, kind: str, q: str) -> list[str]:
    response = client.get(reverse("petitions:lookup", args=[kind]), {"q": q})
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_it_finds_the_stations_a_staff_member_runs_by_pinyin(as_role):
    client = as_role("staff")
    # Station A and the room below it; 新城 (another district) is not theirs.
    assert _names(client, "station", "xinxing") == ["新兴街道人大代表联络站", "新兴社区联络室"]
    assert _names(client, "station", "xx") == ["新兴街道人大代表联络站", "新兴社区联络室"]
    assert _names(client, "station", "新城") == []


def test_it_matches_a_syllable_inside_a_long_station_name_for_a_clerk(as_role):
    client = as_role("city_clerk")
    assert _names(client, "station", "jiedao") == [
        "建设街道人大代表联络站",
        "新城街道人大代表联络站",
        "新兴街道人大代表联络站",
    ]


def test_it_finds_a_deputy_by_name_pinyin_or_initials_in_scope_only(as_role):
    client = as_role("clerk")
    assert _names(client, "deputy", "戴") == ["戴伟"]
    assert _names(client, "deputy", "daiwei") == ["戴伟"]
    assert _names(client, "deputy", "DW") == ["戴伟"]
    # 裴佳 sits at a station of district Y.
    assert _names(client, "deputy", "pei") == []
    assert _names(as_role("other_clerk"), "deputy", "dw") == []


def test_it_finds_departments_by_pinyin_for_their_handler_only_their_own(as_role):
    assert _names(as_role("clerk"), "department", "zhujian") == ["南湖区住建局"]
    assert _names(as_role("other_handler"), "department", "ju") == ["秀洲区交通局"]


def test_it_answers_at_most_twenty_rows(as_role, world):
    for n in range(25):
        deputy = f.DeputyFactory(name=f"张{'一二三四五六七八九十'[n % 10]}{n}")
        f.StationAssignmentFactory(
            deputy=deputy, station=world.station_a, start_date=dt.date(2022, 1, 1)
        )
    assert len(_names(as_role("staff"), "deputy", "zhang")) == 20


def test_it_answers_nothing_for_an_empty_query_and_404_for_an_unknown_kind(as_role):
    client = as_role("admin")
    assert _names(client, "deputy", "  ") == []
    assert client.get(reverse("petitions:lookup", args=["user"]), {"q": "a"}).status_code == 404


def test_the_list_page_lists_no_deputy_or_station_in_its_html(as_role, world):
    for n in range(30):
        f.DeputyFactory(name=f"王{n}")
    response = as_role("admin").get(reverse("petitions:list"))
    html = response.content.decode()
    assert "王1" not in html and "<option" not in html.split('name="deputy"')[1][:200]
    assert html.count("data-typeahead=") == 3
    assert "js/typeahead.js" in html


def test_the_chosen_deputy_is_shown_by_name_in_its_field(as_role, world):
    url = reverse("petitions:list") + f"?deputy={world.deputy_dave.pk}"
    html = as_role("staff").get(url).content.decode()
    assert 'value="戴伟"' in html
