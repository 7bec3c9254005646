from __future__ import annotations

from collections.abc import Callable
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """A browser date picker (the default widget is a plain text box)."""

    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


def fields_helper() -> FormHelper:
    """A crispy helper that renders the fields only: the template writes the <form> and its
    CSRF token (one form per action on a page)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def share_choices(queryset, *fields: Any, rows_from: Callable[[], list] | None = None) -> None:
    """Render several model choice fields over the same rows from one query.

    Each field would read ``queryset`` again when drawn (a lead and an assisting department
    list: twice); they get its rows as fixed choices instead, and keep the queryset for
    checking a submitted value. ``rows_from`` gives the rows when they are known already.
    """
    rows: list = []  # read when the first field is drawn (a submitted form may never be)

    def choices_of(field: forms.ModelChoiceField) -> Callable[[], list]:
        def choices() -> list:
            if not rows:
                rows.append(rows_from() if rows_from is not None else list(queryset))
            empty = [("", field.empty_label)] if field.empty_label is not None else []
            return empty + [(obj.pk, field.label_from_instance(obj)) for obj in rows[0]]

        return choices

    for field in fields:
        field.queryset = queryset
        field.choices = choices_of(field)


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


class NotificationPreferencesForm(forms.Form):
    """One tick box per kind × channel (in-app, email, SMS), and the daily digest."""

    CHANNELS = ("in_app", "email", "sms")

    daily_digest = forms.BooleanField(
        label=_("Daily digest"),
        required=False,
        help_text=_(
            "Send me one email (or SMS) a day listing my notifications instead of one per event. "
            "The bell still shows each one at once."
        ),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        from .models import ALWAYS_IN_APP, DEFAULT_CHANNELS, NotificationKind

        super().__init__(*args, **kwargs)
        saved = {p.kind: p for p in user.notification_prefs.all()}
        self.rows = []
        for kind, label in NotificationKind.choices:
            pref = saved.get(kind)
            cells = []
            for channel in self.CHANNELS:
                name = f"{kind}__{channel}"
                initial = getattr(pref, channel) if pref else DEFAULT_CHANNELS[channel]
                field = forms.BooleanField(required=False, initial=initial, label=label)
                if channel == "in_app" and kind in ALWAYS_IN_APP:
                    field.disabled = True
                    field.initial = True
                self.fields[name] = field
                cells.append(name)
            self.rows.append((label, [self[name] for name in cells]))
        self.fields["daily_digest"].initial = user.daily_digest
        self.user_has = {"email": bool(user.email), "sms": bool(user.phone)}

    def choices(self) -> dict[str, dict[str, bool]]:
        from .models import NotificationKind

        return {
            kind: {c: bool(self.cleaned_data.get(f"{kind}__{c}")) for c in self.CHANNELS}
            for kind in NotificationKind.values
        }
