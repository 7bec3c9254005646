"""Periodic roster work: keep reception days generated and send duty reminders. Safe to rerun."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def extend_reception_days() -> int:
    """Keep the next 12 months of reception days generated for every station with rules."""
    return services.extend_all_stations().created


@shared_task(acks_late=True)
def send_duty_reminders() -> int:
    """Day-before and morning-of duty reminders (in-app and SMS), each sent once."""
    return services.duty_reminders_send()
