"""Celery tasks of the api app: collect timeline steps into webhook deliveries and send them."""

from __future__ import annotations

from celery import shared_task

from . import webhooks


@shared_task(acks_late=True, reject_on_worker_lost=True, expires=55)
def run_webhooks() -> int:
    """Collect new steps, then send what is due (every minute on beat, and after each step)."""
    webhooks.collect()
    return webhooks.deliver_due()


@shared_task(acks_late=True, reject_on_worker_lost=True, expires=280)
def poll_platforms() -> int:
    """Ask the external platforms about the cases forwarded to them (beat, every 5 minutes)."""
    from . import services

    return services.forwardings_poll()
