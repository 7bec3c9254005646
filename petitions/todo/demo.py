"""Demo rows for the working-day features: notification choices, routing rules, canned replies.

Idempotent: what exists is left alone.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import NotificationPreference


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


@transaction.atomic
def load(stdout=None) -> None:
    User = get_user_model()
    handler = User.objects.filter(username="handler").first()
    if handler is not None:
        # The demo handler reads case notices in the bell and gets one email a day.
        NotificationPreference.objects.get_or_create(
            user=handler, kind="cases", defaults={"in_app": True, "email": True, "sms": False}
        )
        if not handler.daily_digest:
            handler.daily_digest = True
            handler.save(update_fields=["daily_digest"])
    _say(stdout, "Working-day demo: notification choices.\n")
