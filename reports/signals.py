"""Deletions the rollups must hear of: a deleted case takes its events with it, so the event
stream that keeps the rollups current never shows it. The case (or reception) leaves its
(station, day) key in ``StaleRollupKey`` instead; the next rollup run recomputes that key."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.utils import timezone

from petitions.models import Petition, Reception

from .models import StaleRollupKey


def _petition_deleted(sender: Any, instance: Petition, **kwargs: Any) -> None:
    StaleRollupKey.objects.create(
        kind=StaleRollupKey.Kind.PETITION,
        station_id=instance.station_id,
        day=timezone.localtime(instance.submitted_at).date(),
    )


def _reception_deleted(sender: Any, instance: Reception, **kwargs: Any) -> None:
    StaleRollupKey.objects.create(
        kind=StaleRollupKey.Kind.RECEPTION,
        station_id=instance.station_id,
        day=timezone.localtime(instance.held_at).date(),
    )


def connect() -> None:
    post_delete.connect(_petition_deleted, sender=Petition, dispatch_uid="rollups-petition-gone")
    post_delete.connect(_reception_deleted, sender=Reception, dispatch_uid="rollups-reception-gone")
