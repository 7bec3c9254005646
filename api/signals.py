"""A nudge: after a timeline step commits, run the webhook collector (api.webhooks).

The collector reads the steps itself, so a lost nudge (broker down) only delays the call until
the next beat run; the step never waits for, or fails because of, a webhook.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from core.notify import enqueue_on_commit
from petitions.models import PetitionEvent


@receiver(post_save, sender=PetitionEvent, dispatch_uid="api-webhooks-nudge")
def nudge_webhooks(sender: Any, instance: PetitionEvent, created: bool, **kwargs: Any) -> None:
    if created:
        from .models import Subscription
        from .tasks import run_webhooks

        if Subscription.objects.filter(is_active=True).exists():
            enqueue_on_commit(run_webhooks)
