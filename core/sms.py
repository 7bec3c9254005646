"""Pluggable SMS sending. Real gateways subclass SmsBackend; the default only logs, masked.

Every message carries an idempotency key, the same on every attempt (``outbox:<row id>``,
see ``core.tasks.sms_key``). A worker killed after the gateway accepted a message and before
the outbox row was marked sent leaves the row claimed; the re-send sweep sends it again later
with the same key, and the gateway drops it: the constituent gets one SMS, not two.
"""

import hashlib
import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .cache import cache
from .pii import mask_phone

log = logging.getLogger("liaison.sms")
# How long a gateway remembers a key. Longer than a message can wait for its last attempt
# (core.tasks: five attempts with back-off, the sweep every 30 s): a day is plenty.
KEY_MEMORY = 24 * 3600


class SmsBackend:
    """The gateway interface.

    ``send(phone, text, key=...)`` hands one message to the provider and returns once it was
    accepted; it raises on failure (the outbox retries). ``key`` is the message's idempotency
    key: a backend must pass it where the provider deduplicates (its client message id / serial
    number field) or, when the provider cannot, record it itself before returning, and must
    treat a key it has already accepted as delivered (return without sending again).

    ``send`` must time out well within a minute (see core.tasks.CLAIM_STALE_AFTER): a call that
    hangs longer lets the re-send sweep take the message over.
    """

    def send(self, phone: str, text: str, *, key: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """The console gateway: one masked log line per message, a repeated key dropped.

    Keys are remembered in the cache (Redis in production, shared by every worker; process
    memory while it is down), as a provider remembers its client serial numbers, with a digest
    of the text: a key that comes back with another text is a new message in a database built
    again from scratch (row ids from 1 again, the cache still full), and is sent."""

    def send(self, phone: str, text: str, *, key: str) -> None:
        digest = hashlib.sha256(f"{phone}\n{text}".encode()).hexdigest()[:16]
        memory = f"sms-key:{key}"
        if not cache.add(memory, digest, timeout=KEY_MEMORY):
            if cache.get(memory) == digest:
                log.info("SMS %s to %s already accepted: not sent again", key, mask_phone(phone))
                return
            cache.set(memory, digest, timeout=KEY_MEMORY)
        log.info("SMS %s to %s: %s", key, mask_phone(phone), text)


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
