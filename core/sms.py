"""Pluggable SMS sending. Real gateways subclass SmsBackend; the default only logs, masked."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from .pii import mask_phone

log = logging.getLogger("liaison.sms")


class SmsBackend:
    """A gateway's ``send`` must time out well within a minute (see core.tasks.CLAIM_STALE_AFTER):
    a call that hangs longer lets the re-send sweep take the message over."""

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", mask_phone(phone), text)


def get_sms_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()
