"""Who hears about a step of the loop, and what they are told.

Every message is an outbox row written in the caller's transaction (core.notify); delivery
happens after commit, so a failed broker never undoes or blocks the step itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from core import notify
from stations.scope import station_staff

from .models import Petition


def _unique(users: Iterable[Any]) -> list:
    seen: set[int] = set()
    out = []
    for user in users:
        if user is not None and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def _deputy_users(petition: Petition) -> list:
    deputy = petition.deputy
    if deputy is None or deputy.user_id is None:
        return []
    return [deputy.user]


def department_users(department_ids: Iterable[int]):
    return (
        get_user_model()
        .objects.filter(handler_posts__department_id__in=list(department_ids), is_active=True)
        .distinct()
    )


def tell_station(petition: Petition, subject: str, key: str, *, with_deputy: bool = False) -> None:
    """The station's staff (and the head station's), optionally the case's deputy too."""
    users = list(station_staff(petition.station))
    if with_deputy:
        users += _deputy_users(petition)
    notify.notify_users(
        _unique(users), subject=subject, url=petition.get_absolute_url(), dedupe_key=key
    )


def tell_departments(petition: Petition, subject: str, key: str, *, assisting: bool = True) -> None:
    ids = [petition.lead_department_id] if petition.lead_department_id else []
    if assisting:
        ids += list(petition.assisting_departments.values_list("pk", flat=True))
    if ids:
        notify.notify_users(
            department_users(ids), subject=subject, url=petition.get_absolute_url(), dedupe_key=key
        )


def short_url(petition: Petition) -> str:
    """The short link to the constituent's tracking page (/t/<code>), for SMS and email."""
    return f"{settings.PUBLIC_BASE_URL}{reverse('short_track', args=[petition.tracking_code])}"


def sms_constituent(petition: Petition, subject: str, key: str) -> None:
    """An SMS to the constituent's phone, with the tracking code; nothing if there is none."""
    if petition.phone:
        notify.notify(
            channel="sms",
            address=petition.phone,
            subject=subject,
            body=_("Tracking code: %(code)s. Follow your case: %(url)s")
            % {"code": petition.display_code, "url": short_url(petition)},
            dedupe_key=key,
        )


def submitted(petition: Petition) -> None:
    """The constituent gets the tracking code; the station and the deputy get the case."""
    pk, code = petition.pk, petition.display_code
    if petition.phone:
        notify.notify(
            channel="sms",
            address=petition.phone,
            subject=_("Your opinion was received. Tracking code: %(code)s") % {"code": code},
            body=_("Follow your case: %(url)s") % {"url": short_url(petition)},
            dedupe_key=f"petition:{pk}:submitted:sms",
        )
    tell_station(
        petition,
        _("New petition: %(title)s") % {"title": petition.title},
        f"petition:{pk}:submitted",
        with_deputy=True,
    )
