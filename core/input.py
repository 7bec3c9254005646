"""Hostile input, handled once: Unicode normalisation, control characters and digit fields.

An outside test found NUL bytes answering 500 (PostgreSQL refuses them in a string literal),
full-width and Arabic-Indic digits passing a ``\\d`` check and reaching the SMS sender, and a
valid ID number typed in full-width digits refused. The rule here: fold what a person typed
into one canonical form first, then validate the folded value with ASCII-only patterns.

* Values a machine reads (phones, ID numbers, codes, keys, dates, numbers, choices) are
  NFKC-normalised: ``１３８`` and ``¹³⁸`` become ``138``.
* Prose a person writes (titles, opinions, notes, addresses) is NFC-normalised only, so the
  full-width punctuation of Chinese text (，：（）) is kept as typed.
* C0 control characters other than tab and line breaks are removed from every value: they
  are invisible, and the Excel ledgers cannot hold them. NUL never gets this far — the
  ``BadInputMiddleware`` answers 400 first.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 20_000  # characters in any free-text field without its own limit
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# After NFKC: ASCII digits only (Arabic-Indic digits stay what they are, and are refused).
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)
PHONE_RE = re.compile(r"^[0-9]{3,15}$", re.ASCII)  # landlines with area code, extensions
_PHONE_SEPARATORS_RE = re.compile(r"[\s\-()]")


def fold(value: str) -> str:
    """NFKC and no control characters: for values a machine reads."""
    return _CONTROL_RE.sub("", unicodedata.normalize("NFKC", value))


def tidy(value: str) -> str:
    """NFC and no control characters: for prose, keeping full-width punctuation."""
    return _CONTROL_RE.sub("", unicodedata.normalize("NFC", value))


def has_bad_characters(value: str) -> bool:
    """NUL (which PostgreSQL cannot store) or a lone surrogate (which UTF-8 cannot encode)."""
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def clean_mobile(value: str) -> str:
    """An 11-digit mainland mobile number in ASCII digits, or ValidationError."""
    value = _PHONE_SEPARATORS_RE.sub("", fold(value))
    if value and not MOBILE_RE.match(value):
        raise ValidationError(
            _("Enter an 11-digit mobile number starting with 1, e.g. 13800138000.")
        )
    return value


def clean_phone(value: str) -> str:
    """A mobile or landline number (3–15 ASCII digits after removing spaces, dashes, brackets)."""
    value = _PHONE_SEPARATORS_RE.sub("", fold(value))
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("A phone number has 3 to 15 digits (0–9)."))
    return value


def _is_prose(field: forms.Field) -> bool:
    # Exactly CharField: not a subclass such as EmailField, SlugField or ExactCharField.
    return type(field) is forms.CharField


class NormalizedFormMixin:
    """Normalise every submitted value before the fields see it (see the module docstring).

    Put it first in the bases: ``class SubmitForm(NormalizedFormMixin, forms.Form)``. A plain
    ``CharField`` is treated as prose; declare code-like text (phones, ID numbers, codes, keys)
    as ``ExactCharField``. Every text field without a limit gets ``MAX_TEXT``.
    """

    fields: dict[str, forms.Field]
    is_bound: bool
    data: Any
    prefix: str | None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                # Every text gets a bound: a 1 MB "opinion" is not one a person typed.
                field.max_length = MAX_TEXT
                field.validators.append(MaxLengthValidator(MAX_TEXT))
                field.widget.attrs.setdefault("maxlength", str(MAX_TEXT))
        if self.is_bound:
            self.data = self._normalized(self.data)

    def _folder(self, name: str):
        field = self.fields.get(name)
        if field is None:
            return None
        if not _is_prose(field):
            return fold
        return tidy

    def _normalized(self, data):
        prefix = f"{self.prefix}-" if self.prefix else ""
        out: Any
        if isinstance(data, QueryDict):
            out = QueryDict(mutable=True)
            items = data.lists()
        else:
            out, items = {}, ((k, v) for k, v in data.items())
        for key, value in items:
            name = key[len(prefix) :] if prefix and key.startswith(prefix) else key
            folder = self._folder(name) or tidy
            if isinstance(out, QueryDict):
                out.setlist(key, [folder(v) if isinstance(v, str) else v for v in value])
            elif isinstance(value, list | tuple):
                out[key] = [folder(v) if isinstance(v, str) else v for v in value]
            else:
                out[key] = folder(value) if isinstance(value, str) else value
        return out


class ExactCharField(forms.CharField):
    """A code-like text field (keys, codes, numbers): NFKC-folded by NormalizedFormMixin."""
