"""The registry forms' type-ahead fields: a station's region and head station, a department's
region — found by name or pinyin within what the user may pick, never listed whole."""

from __future__ import annotations

import re

from django.urls import reverse

from tests import factories as f

from .matrix import _station_post


def _names(client, kind: str, q: str) -> list[str]:
    response = client.get(reverse("stations:lookup", args=[kind]), {"q": q})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_it_finds_regions_by_name_pinyin_or_initials_within_the_clerks_area(as_role, world):
    client = as_role("clerk")  # district X: streets 新兴 and 建设, not 秀洲区's 新城
    assert _names(client, "region", "xinxing") == ["新兴街道"]
    assert _names(client, "region", "xx") == ["新兴街道"]
    assert _names(client, "region", "新") == ["新兴街道"]
    assert "新城街道" not in _names(client, "region", "xin")
    assert "新城街道" in _names(as_role("city_clerk"), "region", "xin")


def test_head_stations_are_the_ones_the_user_may_edit(as_role, world):
    # Station A's staff run its room too; station A2's staff neither.
    assert _names(as_role("staff"), "station", "xinxing") == [
        "新兴街道人大代表联络站",
        "新兴社区联络室",
    ]
    assert _names(as_role("other_staff"), "station", "xinxing") == []


def test_it_answers_at_most_20_rows_and_nothing_for_no_text(as_role, world):
    for n in range(30):
        f.RegionFactory(
            name=f"新兴{n}社区",
            code=f"3304020019{n:02d}",
            level="community",
            parent=world.street_s1,
        )
    client = as_role("clerk")
    assert len(_names(client, "region", "xinxing")) == 20
    assert _names(client, "region", "") == []


def test_the_station_form_lists_no_regions_however_many_there_are(as_role, world):
    client = as_role("clerk")
    before = client.get(reverse("stations:create")).content.decode()
    for n in range(50):
        f.RegionFactory(
            name=f"第{n}社区", code=f"3304020017{n:02d}", level="community", parent=world.street_s1
        )
    after = client.get(reverse("stations:create")).content.decode()
    assert '<select name="region"' not in after and "第7社区" not in after
    assert len(after) == len(before)
    assert 'data-typeahead="/stations/lookup/region/"' in after


def _region_input(html: str) -> str:
    box = re.search(r'data-typeahead="/stations/lookup/region/">(.*?)</div>', html, re.S)
    assert box
    return box.group(1)


def test_a_form_shown_again_after_an_error_keeps_the_chosen_region(as_role, world):
    data = {**_station_post(world), "name": "新兴第三联络站", "latitude": "123"}
    html = as_role("clerk").post(reverse("stations:create"), data).content.decode()
    assert "A latitude lies between -90 and 90." in html
    box = _region_input(html)
    assert f'value="{world.street_s1.pk}"' in box and 'value="新兴街道"' in box


def test_a_region_the_clerk_may_not_use_or_none_gets_a_clear_message(as_role, world):
    client = as_role("clerk")
    outside = {**_station_post(world), "name": "越界站", "region": world.street_s3.pk}
    html = client.post(reverse("stations:create"), outside).content.decode()
    assert "That is not one of the names you may choose" in html
    assert 'value="新城街道"' not in html  # another district's name is not echoed back
    empty = {**_station_post(world), "name": "无区站", "region": ""}
    html = client.post(reverse("stations:create"), empty).content.decode()
    assert "Type a name or pinyin and pick one of the names listed." in html


def test_the_department_form_picks_its_region_the_same_way(as_role, world):
    client = as_role("clerk")
    html = client.get(reverse("stations:department_create")).content.decode()
    assert 'data-typeahead="/stations/lookup/department_region/"' in html
    assert "<option" not in _between(html, 'name="region"', "</div>")
    assert _names(client, "department_region", "nanhu") == [world.district_x.name]


def _between(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i : html.index(end, i)]
