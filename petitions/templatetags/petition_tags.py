"""Template helpers of the petitions pages."""

from django import template

from ..choices import STATUS_TONE
from ..event_notes import render_note

register = template.Library()


@register.filter
def event_note(note: str) -> str:
    """A timeline note in the reader's language (system-written notes are stored as keys)."""
    return render_note(note)


@register.filter
def status_tone(status: str) -> str:
    """Bootstrap tone of a status badge, by meaning (done is green)."""
    return STATUS_TONE.get(status, "primary")
