"""Writes of the api app: integrations and their keys (and, below, webhooks and forwarding)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import roles_of
from petitions import services as petition_services
from petitions.choices import Status
from petitions.models import Petition
from stations.models import ClerkScope, Department, DepartmentHandler, Region
from stations.paths import in_region_paths

from . import keys, platforms
from .models import Access, ExternalPlatform, Forwarding, ForwardState, Integration
from .platforms import PlatformError


def _may_manage_region(actor: Any, region: Region) -> bool:
    roles = roles_of(actor)
    return roles.is_admin or in_region_paths(region.path, roles.clerk_region_paths)


@transaction.atomic
def integration_create(
    *,
    actor: Any,
    name: str,
    region: Region,
    access: str = Access.READ,
    can_see_pii: bool = False,
    expires_at: dt.datetime | None = None,
) -> tuple[Integration, str]:
    """Create an integration and its service account; returns it with the key (shown once)."""
    if not _may_manage_region(actor, region):
        raise PermissionDenied(_("You may not create integrations for this region."))
    key, prefix, digest = keys.new_key()
    user = get_user_model().objects.create(
        username=f"api-{prefix}-{secrets.token_hex(2)}",
        is_active=False,  # never signs in; the API authenticates it by its key
        full_name=name[:64],
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    ClerkScope.objects.create(user=user, region=region)
    integration = Integration.objects.create(
        name=name.strip(),
        region=region,
        access=access,
        can_see_pii=can_see_pii,
        expires_at=expires_at,
        key_prefix=prefix,
        key_hash=digest,
        user=user,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    return integration, key


@transaction.atomic
def integration_revoke(*, actor: Any, integration: Integration | int) -> Integration:
    """Revoke the key at once; the integration stays for its audit trail."""
    pk = integration.pk if isinstance(integration, Integration) else integration
    locked = Integration.objects.select_for_update().select_related("region").get(pk=pk)
    if not _may_manage_region(actor, locked.region):
        raise PermissionDenied(_("You may not revoke this integration."))
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


# ---------------------------------------------------------------------------------------------
# External platforms (基层治理四平台)


@transaction.atomic
def platform_setup(*, platform: ExternalPlatform) -> ExternalPlatform:
    """Give a platform its department and its handler account (once; renames follow)."""
    locked = ExternalPlatform.objects.select_for_update().get(pk=platform.pk)
    if locked.department_id is None:
        locked.department = Department.objects.create(name=locked.name[:100], region=locked.region)
    else:
        Department.objects.filter(pk=locked.department_id).update(name=locked.name[:100])
    if locked.user_id is None:
        user = get_user_model().objects.create(
            username=f"platform-{locked.pk}-{secrets.token_hex(3)}",
            is_active=False,
            full_name=locked.name[:64],
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        assert locked.department is not None
        DepartmentHandler.objects.create(user=user, department=locked.department)
        locked.user = user
    locked.save(update_fields=["department", "user"])
    return locked


def case_forward(*, actor: Any, petition: Petition | int, platform: ExternalPlatform) -> Forwarding:
    """Assign a triaged case to the platform's department and send it there.

    The assignment is the loop's own (``petition_assign``: the staff member's right, the
    deadline, the departments' notice); if the platform cannot take it, nothing is saved.
    """
    if platform.department_id is None or not platform.is_active:
        raise PlatformError(_("This platform is not set up."))
    with transaction.atomic():
        p = petition_services.petition_assign(
            actor=actor,
            petition=petition,
            lead_department=platform.department,
            note=_("Forwarded to an external platform."),
        )
        external_id = platforms.send(platform, p)
        forwarding = Forwarding.objects.create(
            petition=p, platform=platform, external_id=external_id, forwarded_by=actor
        )
    return forwarding


def forwarding_apply(*, forwarding: Forwarding | int, remote: platforms.Remote) -> Forwarding:
    """Take a state the platform reports onto the loop, as its department handler would.

    accepted → sign for the case; replied → sign if needed, then reply with the platform's
    text; returned → return the case to the station with the platform's reason. A state
    already taken, or one the case has moved past, changes nothing (polls and callbacks repeat).
    """
    pk = forwarding.pk if isinstance(forwarding, Forwarding) else forwarding
    with transaction.atomic():
        f = Forwarding.objects.select_for_update().select_related("platform").get(pk=pk)
        if not f.is_open or f.state == remote.state:
            return f
        handler = f.platform.user
        p = Petition.objects.get(pk=f.petition_id)
        if p.lead_department_id != f.platform.department_id:
            return f  # reassigned here since: the platform no longer handles it
        if remote.state == ForwardState.RETURNED:
            if p.status in (Status.ASSIGNED, Status.HANDLING):
                petition_services.petition_return(
                    actor=handler,
                    petition=p,
                    reason=remote.text or _("Returned by the external platform."),
                )
        else:
            if p.status == Status.ASSIGNED:
                p = petition_services.petition_receive(actor=handler, petition=p)
            if remote.state == ForwardState.REPLIED and p.status == Status.HANDLING:
                petition_services.petition_reply(
                    actor=handler,
                    petition=p,
                    body=remote.text or _("Handled by the external platform."),
                )
        f.state = remote.state
        f.save(update_fields=["state", "updated_at"])
    return f


def forwardings_poll() -> int:
    """Ask each platform about its open cases (beat); returns the cases that moved."""
    moved = 0
    open_rows = Forwarding.objects.filter(
        state__in=[ForwardState.SENT, ForwardState.ACCEPTED], platform__is_active=True
    ).select_related("platform")
    for f in open_rows:
        try:
            remote = platforms.fetch(f.platform, f.external_id)
        except PlatformError:
            continue  # logged by nobody: the next poll tries again
        if remote is not None and remote.state != f.state:
            forwarding_apply(forwarding=f, remote=remote)
            moved += 1
    return moved
