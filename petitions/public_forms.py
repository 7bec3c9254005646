"""Forms for constituents without an account: submit, look a case up, rate it."""

from __future__ import annotations

import secrets

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.codes import ALPHABET, normalize_code
from core.input import ExactCharField, NormalizedFormMixin, clean_mobile, fold
from core.pii import normalize_id_number, validate_id_number

from . import captcha
from .attachments import MAX_BYTES, MAX_FILES, attachments_field
from .choices import Satisfaction
from .models import TRACKING_CODE_LENGTH, Category
from .submission import SubmissionFormMixin


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


def _large(widget_attrs: dict | None = None) -> dict:
    return {"class": "form-control-lg", **(widget_attrs or {})}


def _format(text, params: dict) -> str:
    return str(text) % params


# The help text is formatted each time it is shown, in the language of that request.
_lazy_format = lazy(_format, str)


class SubmitForm(SubmissionFormMixin, NormalizedFormMixin, forms.Form):
    """The QR-code submission form. The captcha is checked against the session."""

    title = forms.CharField(
        label=_("Subject"),
        max_length=120,
        widget=forms.TextInput(attrs=_large({"placeholder": _("e.g. Street light broken")})),
    )
    content = forms.CharField(
        label=_("Your opinion or request"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, where, since when, and what you would like done."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Not sure"),
        widget=forms.Select(attrs={"class": "form-select-lg"}),
    )
    location_text = forms.CharField(
        label=_("Location"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_large({"placeholder": _("e.g. gate of building 3")})),
    )
    attachments = attachments_field(
        label=_("Photos or PDF"),
        required=False,
        # Formatted when shown, not at import: a lazy string formatted here would freeze the
        # language the process started in (the English form showed this text in Chinese).
        help_text=_lazy_format(
            _("Up to %(n)d files, JPEG, PNG, WebP or PDF, at most %(mb)d MB each."),
            {"n": MAX_FILES, "mb": MAX_BYTES // (1024 * 1024)},
        ),
    )
    is_anonymous = forms.BooleanField(
        label=_("Submit anonymously"),
        required=False,
        help_text=_(
            "We will not keep your name, phone or address. You can still follow the case with "
            "the tracking code, but nobody can call you back and you cannot rate it online."
        ),
    )
    constituent_name = forms.CharField(
        label=_("Your name"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs=_large({"autocomplete": "name"})),
    )
    phone = ExactCharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs=_large({"type": "tel", "inputmode": "numeric", "autocomplete": "tel"})
        ),
        help_text=_("11 digits. We send the tracking code by SMS and call you about the result."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_large({"autocomplete": "street-address"})),
    )
    id_number = ExactCharField(
        label=_("ID number (optional)"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs=_large({"autocomplete": "off"})),
        help_text=_("Only a fingerprint of it is kept, never the number itself."),
    )
    consent = forms.BooleanField(
        label=_("I agree that my personal data is used to handle this case."),
        help_text=_(
            "We keep your name, phone and address only to handle this opinion and to tell you the "
            "result. Only this station, the deputy and the department handling the case see "
            "them; the public tracking page shows them masked. Your ID number is not stored."
        ),
        error_messages={"required": _("Please agree to the handling of your personal data.")},
    )
    captcha = ExactCharField(
        label=_("Characters in the picture, or the answer to the question"),
        max_length=10,
        widget=forms.TextInput(
            attrs=_large(
                {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
            )
        ),
    )
    idempotency_key = ExactCharField(widget=forms.HiddenInput, max_length=40)

    def __init__(self, *args, request=None, station=None, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", new_idempotency_key())
        super().__init__(*args, **kwargs)
        self.request, self.station = request, station
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Your opinion"),
                "title",
                "content",
                "category",
                "location_text",
                "attachments",
            ),
            Fieldset(
                _("About you"),
                Field("is_anonymous", wrapper_class="form-check-lg"),
                HTML('<div id="identity-fields">'),
                "constituent_name",
                "phone",
                "address",
                "id_number",
                HTML("</div>"),
            ),
            Field("consent", wrapper_class="form-check-lg"),
            HTML('{% include "petitions/public/_captcha.html" %}'),
            "captcha",
            "idempotency_key",
        )

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))

    def clean_id_number(self) -> str:
        value = normalize_id_number(fold(self.cleaned_data.get("id_number", "")))
        if value:
            validate_id_number(value)
        return value

    def clean_captcha(self) -> str:
        value = self.cleaned_data.get("captcha", "")
        if self.request is not None and captcha.too_many_failures(self.request):
            raise ValidationError(
                _(
                    "Too many wrong answers from this network. Please wait an hour, or call "
                    "the station."
                )
            )
        if self.request is None or not captcha.check(self.request, value):
            raise ValidationError(
                _("The characters do not match the picture. Please type the new picture's.")
            )
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if not data.get("is_anonymous"):
            if not data.get("constituent_name") and "constituent_name" not in self.errors:
                self.add_error(
                    "constituent_name",
                    _("Please give your name, or tick “Submit anonymously”."),
                )
            if not data.get("phone") and "phone" not in self.errors:
                self.add_error(
                    "phone",
                    _("Please give a mobile number so we can reach you, or submit anonymously."),
                )
        if self.station is not None and not self.errors and captcha.station_flooded(self.station):
            self.add_error(
                None,
                _(
                    "This station is receiving unusually many opinions right now. Your text is "
                    "kept; please send it again in an hour, or call the station."
                ),
            )
        return data


class TrackForm(NormalizedFormMixin, forms.Form):
    """Look a case up by its tracking code; forgiving about spaces, dashes and case."""

    code = ExactCharField(
        label=_("Tracking code"),
        max_length=40,
        widget=forms.TextInput(
            attrs=_large(
                {
                    "autocomplete": "off",
                    "autocapitalize": "characters",
                    "spellcheck": "false",
                    "placeholder": "ABCD-EFGH-JKMN-PQ",
                }
            )
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data.get("code", ""))
        if len(code) != TRACKING_CODE_LENGTH or any(ch not in ALPHABET for ch in code):
            raise ValidationError(
                _(
                    "A tracking code has %(n)d letters and digits, like ABCD-EFGH-JKMN-PQ. "
                    "Please check it on your receipt."
                )
                % {"n": TRACKING_CODE_LENGTH}
            )
        return code


class RateForm(NormalizedFormMixin, forms.Form):
    """The constituent's satisfaction rating, confirmed with the one-time code sent by SMS."""

    rating_code = ExactCharField(
        label=_("Rating code from the SMS"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs=_large(
                {"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
            )
        ),
        help_text=_("We send it to the phone number you gave when you submitted."),
    )
    satisfaction = forms.ChoiceField(
        label=_("Are you satisfied with how your case was handled?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "If you are unsatisfied, tell us what is still wrong: the case then goes back to "
            "the department to be handled again."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_rating_code(self) -> str:
        value = self.cleaned_data.get("rating_code", "").strip()
        if not (value.isascii() and value.isdigit()):
            raise ValidationError(_("Enter the six digits of the code."))
        return value

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("satisfaction") == Satisfaction.UNSATISFIED and not data.get("comment"):
            self.add_error(
                "comment", _("Please tell us what is still wrong, so the case can be reopened.")
            )
        return data
