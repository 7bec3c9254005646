"""Timeline notes the system writes, shown in the reader's language.

A note written as translated text at the moment of the action stays in the language of that
request (or of the worker) forever: an English reader saw "代表: 满意". System-written notes are
therefore stored as a key with their parameters (choice *values*, the person's own words) and
turned into words only when a page shows them. Notes people typed are stored and shown as typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.utils.translation import gettext as _

from .choices import FeedbackMethod, RaterKind, Satisfaction

# A note starting with this character was written by the system (see system_note).
MARK = "\u2063"  # INVISIBLE SEPARATOR: not whitespace, so .strip() keeps it


def system_note(key: str, **params: str) -> str:
    """The stored form of a system-written note: its key and parameters, no words."""
    if key not in _RENDER:
        raise KeyError(key)
    return MARK + json.dumps({"key": key, **params}, ensure_ascii=False, sort_keys=True)


def _join(*parts: str) -> str:
    return " · ".join(p for p in parts if p)


def _rated(rater: str, satisfaction: str, comment: str = "") -> str:
    return _join(f"{RaterKind(rater).label}: {Satisfaction(satisfaction).label}", comment)


def _rated_by_constituent(satisfaction: str, comment: str = "") -> str:
    label = str(Satisfaction(satisfaction).label)
    return f"{label}: {comment}" if comment else label


def _recorded_by_staff(method: str, comment: str = "", who: str = "", day: str = "") -> str:
    if who:
        how = _("Recorded by %(who)s (%(how)s, asked on %(day)s)") % {
            "who": who,
            "how": FeedbackMethod(method).label,
            "day": day,
        }
    else:
        how = _("Recorded by staff (%(how)s)") % {"how": FeedbackMethod(method).label}
    return _join(how, comment)


def _recorded_by_station(satisfaction: str) -> str:
    return _("%(level)s (recorded by the station)") % {"level": Satisfaction(satisfaction).label}


def _rated_by_deputies(satisfaction: str, comment: str = "") -> str:
    level = _("%(level)s (the deputies' own rating at the themed meeting)") % {
        "level": Satisfaction(satisfaction).label
    }
    return _join(level, comment)


_RENDER: dict[str, Callable[..., str]] = {
    "rated_by_deputies": _rated_by_deputies,
    "rated": _rated,
    "rated_by_constituent": _rated_by_constituent,
    "recorded_by_staff": _recorded_by_staff,
    "recorded_by_station": _recorded_by_station,
    "closed_unrated": lambda: _("Closed without a rating"),
}


def render_note(note: str) -> str:
    """The note in the active language; a typed note (or an unknown key) as stored."""
    if not note or not note.startswith(MARK):
        return note
    try:
        data = json.loads(note[len(MARK) :])
        return _RENDER[data.pop("key")](**data)
    except (ValueError, KeyError, TypeError):
        return ""
