"""A type-ahead field for a choice over a large set (deputies, stations, departments).

A province has 100k deputies and 10k stations: a ``<select>`` listing them made the petitions
list 4.3 MB. This widget renders only the chosen row's name and a hidden input with its id;
``static/js/typeahead.js`` asks a JSON endpoint (scoped by ``visible_to``, at most 20 rows)
as the user types. Without JavaScript the hidden id still filters, so drill-down links work.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


class TypeaheadWidget(forms.Widget):
    template_name = "core/widgets/typeahead.html"

    def __init__(self, url_name: str, url_args: tuple = (), attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.url_name, self.url_args = url_name, url_args
        self.choices: Any = ()

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        label = ""
        if value not in (None, ""):
            # ModelChoiceField hands the widget a lazy iterator; only the one chosen row is read.
            field = getattr(self.choices, "field", None)
            queryset = getattr(self.choices, "queryset", None)
            try:
                obj = queryset.filter(pk=value).first() if queryset is not None else None
            except (ValueError, TypeError):
                obj = None
            if obj is not None:
                label = field.label_from_instance(obj) if field is not None else str(obj)
        context["widget"].update(
            url=reverse(self.url_name, args=self.url_args),
            label=label,
            value=self.format_value(value) or "",
        )
        return context

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # The project's template folder (the default form renderer looks in app folders only).
        return render_to_string(self.template_name, self.get_context(name, value, attrs))


def use_typeahead(field: forms.Field, url_name: str, kind: str) -> None:
    """Turn a model choice field into a type-ahead over ``url_name``'s ``kind``, with messages
    that say what to do. Call it before setting the field's queryset (the widget reads the
    chosen row's name from it when the form is shown again after an error)."""
    widget = TypeaheadWidget(url_name, (kind,))
    widget.is_required = field.required
    field.widget = widget
    field.error_messages = {
        **field.error_messages,
        "required": _("Type a name or pinyin and pick one of the names listed."),
        "invalid_choice": _(
            "That is not one of the names you may choose: type a name or pinyin and pick one "
            "of the names listed."
        ),
    }
