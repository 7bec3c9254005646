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
from stations.models import ClerkScope, Region
from stations.paths import in_region_paths

from . import keys
from .models import Access, Integration


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
