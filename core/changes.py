"""The record of changes to settings made in the product (core.models.ChangeRecord).

A service that changes a setting calls ``record_change`` inside its transaction; the page
shows ``last_change`` through the ``{% last_change subject topic %}`` tag (core_tags). Field
labels are kept untranslated (``msgid``) and translated when shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext, pgettext

from .models import ChangeAction, ChangeRecord

Value = str | int | float | bool | list[str] | None


def msgid(label: Any) -> str:
    """The untranslated text of a (lazy) label, to be translated again when shown."""
    with translation.override(None):
        return str(label)


def plain(value: Any) -> Value:
    """A value as the record keeps it: numbers, booleans and None as they are, dates as ISO
    text, model rows and everything else as their text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def diff(label: Any, old: Any, new: Any) -> dict | None:
    """One line of a change, or None when nothing changed."""
    old, new = plain(old), plain(new)
    if old == new:
        return None
    return {"field": msgid(label), "old": old, "new": new}


def record_change(
    *,
    actor: Any,
    subject: Any,
    topic: str,
    action: str = ChangeAction.CHANGED,
    changes: list[dict | None] | None = None,
    summary: str = "",
) -> ChangeRecord | None:
    """Write one change row (None when the lines given are all unchanged: nothing to say)."""
    lines = [c for c in (changes or []) if c]
    if action == ChangeAction.CHANGED and not lines:
        return None
    return ChangeRecord.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        subject_type=ContentType.objects.get_for_model(type(subject)),
        subject_id=subject.pk,
        topic=topic,
        action=action,
        summary=summary[:200],
        changes=lines,
    )


def last_change(subject: Any, topic: str) -> ChangeRecord | None:
    if subject is None or subject.pk is None:
        return None
    return (
        ChangeRecord.objects.filter(
            subject_type=ContentType.objects.get_for_model(type(subject)),
            subject_id=subject.pk,
            topic=topic,
        )
        .select_related("actor")
        .first()
    )


def shown(value: Value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return pgettext("list separator", "; ").join(value)
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    # Texts kept are either names (left as they are) or msgids such as "inherited".
    return gettext(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class Line:
    field: str
    old: str
    new: str


def lines(record: ChangeRecord) -> list[Line]:
    """The change's lines in the reader's language."""
    return [
        Line(
            gettext(c["field"]) if c.get("field") else "", shown(c.get("old")), shown(c.get("new"))
        )
        for c in record.changes
    ]


def field_label(model: Any, name: str) -> Any:
    """A model field's (lazy) verbose name, for ``diff``."""
    return getattr(model._meta.get_field(name), "verbose_name", name)
