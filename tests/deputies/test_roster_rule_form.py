"""Every seed rule can be entered through the rule form (the presets fill the same fields)."""

import datetime as dt

import pytest

from deputies.roster.forms import ReceptionRuleForm
from deputies.roster.models import ReceptionRule
from deputies.rules import PRESETS, rule_dates

from .roster_factories import rule
from .test_rules import CAL_2025


def _post_data(fields: dict) -> dict:
    split = lambda text: [p for p in text.split(",") if p]  # noqa: E731
    return {
        "title": "规则",
        "freq": fields["freq"],
        "interval": fields["interval"],
        "monthdays": fields["bymonthday"],
        "weekdays": split(fields["byweekday"]),
        "ordinals": split(fields["weekday_ordinals"]),
        "months": split(fields["bymonth"]),
        "dtstart": "2025-01-03",
        "start_time": fields["start_time"],
        "end_time": fields["end_time"],
        "holiday_policy": "keep",
        "is_active": "on",
    }


@pytest.mark.parametrize("preset", list(PRESETS))
def test_it_expresses_each_seed_rule_in_the_form(world, preset):
    form = ReceptionRuleForm(
        _post_data(PRESETS[preset]["fields"]), instance=ReceptionRule(station=world.station_a)
    )
    assert form.is_valid(), form.errors
    expected = rule(world.station_a, preset, dtstart=dt.date(2025, 1, 3), holiday_policy="keep")
    year = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert rule_dates(form.instance, *year, CAL_2025) == rule_dates(expected, *year, CAL_2025)


def test_it_offers_the_presets_in_a_select(world):
    form = ReceptionRuleForm(instance=ReceptionRule(station=world.station_a))
    html = str(form["preset"])
    assert all(key in html for key in PRESETS)
    assert "data-presets" in html


def test_it_refuses_a_rule_without_dates(world):
    data = _post_data(PRESETS["monthly_20"]["fields"]) | {"monthdays": "31", "months": ["2"]}
    form = ReceptionRuleForm(data, instance=ReceptionRule(station=world.station_a))
    assert not form.is_valid()
