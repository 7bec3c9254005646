"""Every write of the duty app: ``<entity>_<verb>(*, actor, …)``, atomic, re-read under lock,
rights checked again here (the views' checks only shape the page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError
from core.notify import notify_users
from core.roles import roles_of
from deputies.models import Deputy, StationAssignment
from petitions.attachments import checked_content, validate_uploads
from stations.scope import station_staff

from .choices import ActivityKind, ActivityStatus
from .loop import REGISTRY
from .models import Activity, ActivityFile

EDITABLE = ("kind", "date", "title", "body", "wants_publication")


class NoStation(DomainError):
    default_message = gettext_lazy(
        "You are not grouped into a station yet, so no station can approve this."
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _begin(action: str, actor, activity: Activity) -> Activity:
    """Lock the row, then check the move and the right, both from the registry row."""
    locked = Activity.objects.select_for_update().select_related("station").get(pk=activity.pk)
    REGISTRY.check(action, locked)
    _require(REGISTRY[action].allowed_for(actor, locked))
    return locked


def _clean(fields: dict, today: dt.date) -> dict:
    data = {k: fields[k] for k in EDITABLE if k in fields}
    if data.get("date") and data["date"] > today:
        raise ValidationError({"date": _("An activity cannot be dated in the future.")})
    if data.get("kind") != ActivityKind.STORY:
        data["wants_publication"] = False  # only a duty story can become "代表风采"
    return data


def _save_files(activity: Activity, files: Iterable) -> None:
    for f in validate_uploads(files):
        content_type, original, content = checked_content(f)
        row = ActivityFile(
            activity=activity,
            original_name=original,
            content_type=content_type,
            size=content.size,
        )
        row.file.save(original, content, save=False)
        row.save()


def _tell_station(activity: Activity) -> None:
    notify_users(
        station_staff(activity.station),
        subject=_("%(deputy)s filed an activity for approval: %(title)s")
        % {"deputy": activity.deputy.name, "title": activity.title},
        url=activity.get_absolute_url(),
        dedupe_key=f"duty-activity:{activity.pk}:{activity.submitted_at:%s}:filed",
    )


@transaction.atomic
def activity_file(*, actor, fields: dict, files: Iterable = ()) -> Activity:
    """A deputy records an activity with its evidence; their primary station reviews it."""
    roles = roles_of(actor)
    _require(roles.is_deputy)
    assert roles.deputy_id is not None
    deputy = Deputy.objects.get(pk=roles.deputy_id)
    assignment = (
        StationAssignment.objects.filter(deputy=deputy, is_primary=True, end_date__isnull=True)
        .select_related("station")
        .first()
    )
    if assignment is None:
        raise NoStation()
    activity = Activity.objects.create(
        deputy=deputy,
        station=assignment.station,
        status=ActivityStatus.SUBMITTED,
        **_clean(fields, timezone.localdate()),
    )
    _save_files(activity, files)
    _tell_station(activity)
    return activity


@transaction.atomic
def activity_resubmit(*, actor, activity: Activity, fields: dict, files: Iterable = ()) -> Activity:
    """The deputy edits a returned activity and sends it to the station again."""
    a = _begin("resubmit", actor, activity)
    for name, value in _clean(fields, timezone.localdate()).items():
        setattr(a, name, value)
    a.status = REGISTRY.check("resubmit", a)
    a.return_reason = ""
    a.submitted_at = timezone.now()
    a.save(update_fields=[*EDITABLE, "status", "return_reason", "submitted_at"])
    _save_files(a, files)
    _tell_station(a)
    return a


@transaction.atomic
def activity_approve(*, actor, activity: Activity, publish: bool = False) -> Activity:
    """Station staff approve: the activity now counts. A duty story the deputy offered may be
    published on the station's public page ("代表风采") at the same time."""
    a = _begin("approve", actor, activity)
    a.status = REGISTRY.check("approve", a)
    a.is_published = bool(publish and a.kind == ActivityKind.STORY and a.wants_publication)
    a.decided_by, a.decided_at = actor, timezone.now()
    a.save(update_fields=["status", "is_published", "decided_by", "decided_at"])
    if a.deputy.user_id:
        notify_users(
            [a.deputy.user],
            subject=_("Your activity was approved: %(title)s") % {"title": a.title},
            url=a.get_absolute_url(),
        )
    return a


@transaction.atomic
def activity_return(*, actor, activity: Activity, reason: str) -> Activity:
    """Station staff return an activity to the deputy, saying why; it does not count."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the activity is returned.")})
    a = _begin("return", actor, activity)
    a.status = REGISTRY.check("return", a)
    a.return_reason = reason[:300]
    a.decided_by, a.decided_at = actor, timezone.now()
    a.save(update_fields=["status", "return_reason", "decided_by", "decided_at"])
    if a.deputy.user_id:
        notify_users(
            [a.deputy.user],
            subject=_("Your activity was returned: %(title)s") % {"title": a.title},
            body=a.return_reason,
            url=a.get_absolute_url(),
        )
    return a


@transaction.atomic
def activity_unpublish(*, actor, activity: Activity) -> Activity:
    """Staff take a published story off the public page."""
    a = Activity.objects.select_for_update().select_related("station").get(pk=activity.pk)
    _require(REGISTRY["approve"].allowed_for(actor, a))
    a.is_published = False
    a.save(update_fields=["is_published"])
    return a
