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


class HolidayYearForm(forms.Form):
    """Load one year's State Council notice: from chinese-calendar, or typed/uploaded as a table."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    table = forms.CharField(
        label=_("Days of the notice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60, "placeholder": "2027-01-01,休,元旦"}),
        help_text=_(
            "One day a line: date, kind, name — kind is 休 (holiday, day off) or 班 (make-up "
            "working day, 调休), e.g. “2027-01-01,休,元旦”. List every day off of each holiday "
            "period, weekends included. Leave empty to take the year from the chinese-calendar "
            "package, when it knows the year."
        ),
    )
    upload = forms.FileField(
        label=_("…or upload the table (CSV)"),
        required=False,
        help_text=_("The same three columns, UTF-8, a header line is allowed."),
    )

    def clean(self) -> dict:
        from .services import CalendarError, parse_holiday_table
        from .workdays import package_years

        data = super().clean() or {}
        year = data.get("year")
        text = data.get("table", "")
        if data.get("upload"):
            try:
                text = data["upload"].read(200_000).decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", _("Save the table as UTF-8 CSV and upload it again."))
                return data
        self._days = None
        if year is None:
            return data
        if text.strip():
            try:
                self._days = parse_holiday_table(text, year=year)
            except CalendarError as exc:
                self.add_error("upload" if data.get("upload") else "table", exc.message)
        elif year not in package_years():
            self.add_error(
                "table",
                _(
                    "The chinese-calendar package does not know %(y)s yet: type or upload the "
                    "days of the State Council notice."
                )
                % {"y": year},
            )
        return data

    def days(self):
        return self._days
