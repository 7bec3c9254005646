"""Personal data: masking for display, ID-number validation and hashing, and a log filter.

Phones, ID numbers and addresses are shown in full only to roles that need them; everywhere
else they pass through these helpers. Nothing here is reversible on purpose.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .input import fold

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_ID_IN_TEXT_RE = re.compile(r"(?<![\dA-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])")


def mask_phone(phone: str | None) -> str:
    """138****8000 for a mobile number; keeps only the last four digits of anything else."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_name(name: str | None) -> str:
    """张** — the family name stays so a constituent recognises their own case."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_address(address: str | None) -> str:
    if not address:
        return ""
    keep = min(6, max(1, len(address) // 3))
    return address[:keep] + "****"


def normalize_id_number(value: str) -> str:
    """ASCII digits and X: a number typed in full-width digits (１１０…Ｘ) is the same number."""
    return fold(value).strip().upper()


def validate_id_number(value: str) -> None:
    """Check a mainland resident ID number (GB 11643-1999): 18 characters and the check digit."""
    value = normalize_id_number(value)
    if not _ID_RE.match(value):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."))
    total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != value[17]:
        raise ValidationError(_("This ID number's check digit is wrong; please check it again."))


def hash_id_number(value: str) -> str:
    """Keyed hash so two petitions from the same person can be matched without storing the number."""
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, normalize_id_number(value).encode(), hashlib.sha256).hexdigest()


def scrub(text: str) -> str:
    """Mask phone and ID numbers inside free text (used for logs)."""
    text = _ID_IN_TEXT_RE.sub(lambda m: m.group(1)[:2] + "*" * 12 + m.group(3)[-4:], text)
    return _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


class PiiLogFilter(logging.Filter):
    """Rewrites every log record so phones and ID numbers never reach a log file."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix here
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class PiiFormatter(logging.Formatter):
    """Masks the whole formatted line: the message, the traceback and any stack info.

    The filter above cleans ``record.msg``, but a traceback is formatted later from the
    exception (``DisallowedHost`` repeats the Host header, a ``ValueError`` its argument), so
    the last step before the handler writes is masked too. ``wrapping`` keeps another
    formatter's layout (Celery's task formatter adds the task name and id).
    """

    def __init__(self, *args, wrapping: logging.Formatter | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.wrapping = wrapping

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        # The cached record.exc_text is shared by every handler: cache the masked text.
        return scrub(super().formatException(ei))

    def format(self, record: logging.LogRecord) -> str:
        inner = self.wrapping.format(record) if self.wrapping else super().format(record)
        return scrub(inner)


def mask_handlers(logger: logging.Logger) -> None:
    """Give every handler of ``logger`` the masking filter and formatter (idempotent).

    For handlers set up outside Django's LOGGING: the Celery worker and beat call this from
    their logging signals (config/celery.py).
    """
    for handler in logger.handlers:
        if not any(isinstance(f, PiiLogFilter) for f in handler.filters):
            handler.addFilter(PiiLogFilter())
        if not isinstance(handler.formatter, PiiFormatter):
            handler.setFormatter(PiiFormatter(wrapping=handler.formatter or logging.Formatter()))
