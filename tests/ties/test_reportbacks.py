"""Report-back sessions (述职): evaluation once per attendee, results on the deputy's page,
and the per-term compliance counted by hand (seed 002: at least once per term, oral ≥ 30%)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from deputies.choices import DeputyLevel
from deputies.models import DeputyTerm
from tests import factories as f
from ties import services
from ties.errors import TiesError
from ties.reportbacks import district_compliance, speaker_results

from .support import make_district, make_reportback

pytestmark = pytest.mark.django_db

D = dt.date
TERM_START, TERM_END = D(2021, 12, 20), D(2026, 12, 19)


def _term(deputy, start=TERM_START, end=TERM_END):
    return DeputyTerm.objects.create(
        deputy=deputy, level=DeputyLevel.DISTRICT, start=start, end=end
    )


@pytest.fixture
def ten(world):
    """District 南湖区第3选区 with 10 deputies (戴伟 + A1…A9), all in the 2021-12-20 term."""
    others = [f.DeputyFactory(name=f"A{i}") for i in range(1, 10)]
    deputies = [world.deputy_dave, *others]
    for d in deputies:
        _term(d)
    district = make_district(world, deputies)
    return district, {d.name: d for d in deputies}


def _session(world, district, held_on, *speakers):
    return make_reportback(world, district, speakers=list(speakers), attendees=0, held_on=held_on)


def test_reported_once_in_the_term_and_the_oral_share(world, ten):
    district, d = ten
    _session(
        world, district, D(2021, 12, 28), (d["戴伟"], "oral"), (d["A1"], "oral")
    )  # crosses year
    _session(world, district, D(2022, 1, 5), (d["A2"], "written"))
    _session(world, district, D(2026, 12, 20), (d["A3"], "oral"))  # a day after the term
    _session(world, district, D(2021, 12, 19), (d["A4"], "oral"))  # a day before it
    c = district_compliance(district, on=D(2024, 6, 1))
    assert (c.total, c.reported, c.oral) == (10, 3, 2)
    assert c.oral_percent == 20 and not c.oral_reaches_share
    assert not c.everyone_reported
    rows = {r.deputy.name: r for r in c.rows}
    assert rows["A1"].sessions == [D(2021, 12, 28)] and rows["A1"].oral
    assert rows["A2"].reported and not rows["A2"].oral
    assert not rows["A3"].reported and not rows["A4"].reported
    # One more oral report-back in the term: 3 of 10 is exactly 30%.
    _session(world, district, D(2024, 3, 1), (d["A5"], "oral"))
    c = district_compliance(district, on=D(2024, 6, 1))
    assert (c.oral, c.oral_percent, c.oral_reaches_share) == (3, 30, True)


def test_the_next_term_counts_its_own_sessions(world, ten):
    district, d = ten
    _term(d["A3"], start=D(2026, 12, 20), end=D(2031, 12, 19))
    _session(world, district, D(2026, 12, 20), (d["A3"], "oral"))
    _session(world, district, D(2022, 5, 1), (d["A1"], "oral"))
    c = district_compliance(district, on=D(2027, 1, 10))
    rows = {r.deputy.name: r for r in c.rows}
    assert rows["A3"].reported and rows["A3"].term.start == D(2026, 12, 20)
    assert rows["A1"].term is None and not rows["A1"].reported
    assert (c.reported, c.oral) == (1, 1)


def test_the_clerk_page_shows_the_figures(client, world, ten):
    district, d = ten
    _session(world, district, D(2021, 12, 28), (d["戴伟"], "oral"), (d["A1"], "oral"))
    client.force_login(world.user("clerk"))
    html = client.get("/ties/reportbacks/compliance/?on=2024-06-01").content.decode()
    assert "2 of 10 reported" in html
    assert "oral: 2 (20%)" in html and "below 30%" in html
    client.force_login(world.user("other_clerk"))
    assert "南湖区第3选区" not in client.get("/ties/reportbacks/compliance/").content.decode()


def test_a_speaker_must_belong_to_the_district(world):
    district = make_district(world)
    with pytest.raises(ValidationError, match="裴佳"):
        make_reportback(world, district, speakers=[(world.deputy_peggy, "oral")])


def test_one_evaluation_per_attendee_code(world):
    peggy_free = f.DeputyFactory(name="钱进")
    district = make_district(world, [world.deputy_dave, peggy_free])
    session = make_reportback(
        world, district, speakers=[(world.deputy_dave, "oral"), (peggy_free, "written")]
    )
    dave_s, qian_s = list(session.speakers.order_by("pk"))
    codes = [c.code for c in session.codes.all()]
    assert len(codes) == 3 and len(set(codes)) == 3
    services.reportback_evaluate(
        session=session, code=codes[0], ratings={dave_s.pk: "satisfied", qian_s.pk: "basic"}
    )
    services.reportback_evaluate(
        session=session,
        code=codes[1].lower(),
        ratings={dave_s.pk: "unsatisfied", qian_s.pk: "basic"},
    )
    with pytest.raises(TiesError, match="already been used"):
        services.reportback_evaluate(
            session=session, code=codes[0], ratings={dave_s.pk: "satisfied", qian_s.pk: "basic"}
        )
    with pytest.raises(TiesError, match="does not belong"):
        services.reportback_evaluate(
            session=session, code="ZZZZZZ", ratings={dave_s.pk: "satisfied", qian_s.pk: "basic"}
        )
    with pytest.raises(ValidationError, match="Rate every deputy"):
        services.reportback_evaluate(
            session=session, code=codes[2], ratings={dave_s.pk: "satisfied"}
        )
    results = {r.speaker.deputy.name: r.counts for r in speaker_results(session.speakers.all())}
    assert results["戴伟"] == {"satisfied": 1, "basic": 0, "unsatisfied": 1}
    assert results["钱进"] == {"satisfied": 0, "basic": 2, "unsatisfied": 0}


def test_the_qr_page_takes_one_rating_and_the_deputy_page_shows_it(client, world):
    session = make_reportback(world)
    speaker = session.speakers.get()
    code = session.codes.first().code
    url = f"/m/r/{session.public_code}/"
    assert "戴伟" in client.get(url).content.decode()
    html = client.post(url, {"code": code, f"s{speaker.pk}": "satisfied"}).content.decode()
    assert 'id="evaluated"' in html
    html = client.post(url, {"code": code, f"s{speaker.pk}": "satisfied"}).content.decode()
    assert "already been used" in html
    client.force_login(world.user("staff"))
    page = client.get(f"/deputies/{world.deputy_dave.pk}/").content.decode()
    section = page.split('id="deputy-reportbacks"')[1].split("</ul>")[0]
    assert "2024-05-20" in section and "Satisfied 1" in section


def test_staff_type_in_a_paper_form_and_print_the_codes(client, world):
    session = make_reportback(world, attendees=2)
    speaker = session.speakers.get()
    first, second = [c.code for c in session.codes.order_by("pk")]
    client.force_login(world.user("staff"))
    sheets = client.get(f"/ties/reportbacks/{session.pk}/print/").content.decode()
    assert first in sheets and second in sheets
    client.post(
        f"/ties/reportbacks/{session.pk}/paper/", {"code": first, f"s{speaker.pk}": "basic"}
    )
    sheets = client.get(f"/ties/reportbacks/{session.pk}/print/").content.decode()
    assert first not in sheets and second in sheets
    assert speaker.marks.get().on_paper
