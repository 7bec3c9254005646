"""Staff edit and delete a deputy's unavailable periods; a deputy deletes their own."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deputies.roster import services as svc
from deputies.roster.models import Unavailability

from .roster_factories import future


def _away(deputy, start=1, end=3, reason="出差"):
    return Unavailability.objects.create(
        deputy=deputy, start=future(start), end=future(end), reason=reason
    )


def test_it_lists_the_stations_periods_with_edit_and_delete(as_role, world):
    u = _away(world.deputy_dave)
    _away(world.deputy_peggy, reason="秀洲的")
    body = (
        as_role("staff").get(reverse("roster:autofill", args=[world.station_a.pk])).content.decode()
    )
    table = body.split('id="unavailabilities"')[1].split("</table>")[0]
    assert "戴伟" in table and "出差" in table and "秀洲的" not in table
    assert reverse("roster:unavailability_edit", args=[world.station_a.pk, u.pk]) in table
    assert reverse("roster:unavailability_delete", args=[world.station_a.pk, u.pk]) in table


def test_it_lets_staff_change_a_period(as_role, world):
    u = _away(world.deputy_dave)
    client = as_role("staff")
    url = reverse("roster:unavailability_edit", args=[world.station_a.pk, u.pk])
    form = client.get(url).content.decode()
    assert f'value="{future(1):%Y-%m-%d}"' in form and 'value="出差"' in form
    response = client.post(url, {"start": future(5), "end": future(9), "reason": "学习培训"})
    assert response.status_code == 302
    u.refresh_from_db()
    assert (u.start, u.end, u.reason) == (future(5), future(9), "学习培训")


def test_it_keeps_the_input_when_the_dates_are_wrong(as_role, world):
    u = _away(world.deputy_dave)
    url = reverse("roster:unavailability_edit", args=[world.station_a.pk, u.pk])
    response = as_role("staff").post(url, {"start": future(9), "end": future(5), "reason": "改期"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "The end date must not be before the start date." in body and 'value="改期"' in body
    u.refresh_from_db()
    assert u.end == future(3)


def test_it_lets_staff_delete_a_period(as_role, world):
    u = _away(world.deputy_dave)
    response = as_role("staff").post(
        reverse("roster:unavailability_delete", args=[world.station_a.pk, u.pk])
    )
    assert response.status_code == 302
    assert not Unavailability.objects.filter(pk=u.pk).exists()


def test_it_hides_another_stations_deputy(as_role, world):
    # Through their own station's URL, staff cannot reach a deputy of another station.
    u = _away(world.deputy_peggy)
    client = as_role("staff")
    assert (
        client.get(
            reverse("roster:unavailability_edit", args=[world.station_a.pk, u.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("roster:unavailability_delete", args=[world.station_a.pk, u.pk])
        ).status_code
        == 404
    )
    assert Unavailability.objects.filter(pk=u.pk).exists()


def test_it_lets_a_deputy_delete_their_own_period(as_role, world):
    u = _away(world.deputy_dave)
    client = as_role("deputy")
    page = client.get(reverse("roster:my_schedule")).content.decode()
    assert reverse("roster:my_unavailability_delete", args=[u.pk]) in page
    response = client.post(reverse("roster:my_unavailability_delete", args=[u.pk]))
    assert response.status_code == 302
    assert not Unavailability.objects.filter(pk=u.pk).exists()


def test_it_refuses_a_deputy_someone_elses_period(as_role, world):
    u = _away(world.deputy_dave)
    response = as_role("other_deputy").post(reverse("roster:my_unavailability_delete", args=[u.pk]))
    assert response.status_code == 404
    assert Unavailability.objects.filter(pk=u.pk).exists()


def test_the_services_recheck_rights(world):
    u = _away(world.deputy_dave)
    with pytest.raises(PermissionDenied):
        svc.unavailability_update(
            actor=world.user("other_staff"), unavailability=u, start=future(1), end=future(2)
        )
    # A deputy deletes their own period but does not edit it (the station plans around it).
    with pytest.raises(PermissionDenied):
        svc.unavailability_update(
            actor=world.user("deputy"), unavailability=u, start=future(1), end=future(2)
        )
    with pytest.raises(PermissionDenied):
        svc.unavailability_delete(actor=world.user("other_deputy"), unavailability=u)
    with pytest.raises(svc.RosterError):
        svc.unavailability_update(
            actor=world.user("staff"), unavailability=u, start=future(5), end=future(2)
        )
    svc.unavailability_delete(actor=world.user("deputy"), unavailability=u)
    assert not Unavailability.objects.exists()
