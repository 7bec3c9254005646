from __future__ import annotations

from collections.abc import Callable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Log in"), css_class="w-100"))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list, then runs ``check`` on the whole list.

    ``check`` takes the list and returns it (or raises ``ValidationError``), so the rules of
    what may be uploaded live with the app that stores the files.
    """

    def __init__(
        self, *args, check: Callable[[list], list] | None = None, accept: str = "", **kwargs
    ) -> None:
        self.check = check
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept} if accept else {}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        items = data if isinstance(data, list | tuple) else [data]
        files = [super(MultipleFileField, self).clean(d, initial) for d in items if d]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return self.check(files) if self.check is not None else files
