"""What ties adds to the to-do home (petitions/todo/extra.py): a deputy's themed-meeting
answers waiting for their own rating."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from petitions.todo.extra import TodoItem
from petitions.todo.tiles import DEPUTY

from .services import meeting_ratings_due


def todo_items(user) -> list[TodoItem]:
    due = meeting_ratings_due(user)
    if not due:
        return []
    return [
        TodoItem(
            role=DEPUTY,
            label=_("Themed-meeting answers to rate"),
            count=len(due),
            url=reverse("ties:meeting_ratings"),
        )
    ]
