"""Forms for deputies and their station assignments."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.input import NormalizedFormMixin, clean_mobile
from core.roles import roles_of
from core.widgets import use_typeahead
from stations import lookups as station_lookups
from stations.models import Station

from .choices import DeputyLevel
from .models import Deputy

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp")


class DeputyForm(NormalizedFormMixin, forms.ModelForm):
    class Meta:
        model = Deputy
        fields = [
            "name",
            "gender",
            "ethnicity",
            "level",
            "term",
            "constituency",
            "occupation",
            "sector",
            "phone",
            "photo",
            "is_active",
        ]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["photo"].widget.attrs["accept"] = "image/*"
        self.fields["photo"].help_text = _("JPEG, PNG, GIF or WebP, at most 2 MB.")
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_phone(self) -> str:
        return clean_mobile(self.cleaned_data.get("phone", ""))

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        # An unchanged photo is the stored FieldFile; only a new upload has a content size.
        if photo and hasattr(photo, "content_type"):
            if photo.size > PHOTO_MAX_BYTES:
                raise ValidationError(
                    _("The photo is %(size).1f MB; the limit is 2 MB. Please upload a smaller one.")
                    % {"size": photo.size / 1024 / 1024}
                )
            ext = photo.name.rsplit(".", 1)[-1].lower() if "." in photo.name else ""
            if ext not in PHOTO_EXTENSIONS:
                raise ValidationError(_("Upload a JPEG, PNG, GIF or WebP image."))
        return photo


class DeputyCreateForm(DeputyForm):
    """A new deputy comes with the station they are grouped into."""

    station = forms.ModelChoiceField(
        label=_("Primary station"),
        queryset=Station.objects.none(),
        help_text=_("The station this deputy is grouped into."),
    )
    start_date = forms.DateField(label=_("At the station since"), widget=DateInput)

    class Meta(DeputyForm.Meta):
        fields = ["station", "start_date", *DeputyForm.Meta.fields]

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        # A type-ahead over the stations the user may edit (10k in a province).
        use_typeahead(self.fields["station"], "stations:lookup", "station")
        self.fields["station"].queryset = station_lookups.KINDS["station"].rows(user)
        # Staff and clerks always register a deputy into one of their stations.
        self.fields["station"].required = not roles_of(user).is_admin
        self.fields["start_date"].initial = timezone.localdate()
        self.fields["start_date"].required = False


class AssignmentForm(NormalizedFormMixin, forms.Form):
    station = forms.ModelChoiceField(label=_("Station"), queryset=Station.objects.none())
    is_primary = forms.BooleanField(label=_("Primary station"), required=False)
    start_date = forms.DateField(label=_("From"), widget=DateInput)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_typeahead(self.fields["station"], "stations:lookup", "station")
        self.fields["station"].queryset = station_lookups.KINDS["station"].rows(user)
        self.fields["start_date"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add assignment")))


class EndAssignmentForm(forms.Form):
    end_date = forms.DateField(label=_("Until"), widget=DateInput, required=False)


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check the file")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel .xlsx file (use the template)."))
        if upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class TermForm(NormalizedFormMixin, forms.Form):
    """A deputy's term (届) at one level, with its real start and end dates."""

    level = forms.ChoiceField(label=_("Level"), choices=DeputyLevel.choices)
    number = forms.IntegerField(
        label=_("Term number"), required=False, help_text=_("e.g. 14 for the 14th congress")
    )
    start = forms.DateField(label=_("Term starts"), widget=DateInput)
    end = forms.DateField(label=_("Term ends"), widget=DateInput)

    def __init__(self, *args, deputy, term=None, **kwargs) -> None:
        if not args and "data" not in kwargs:
            kwargs["initial"] = (
                {"level": term.level, "number": term.number, "start": term.start, "end": term.end}
                if term is not None
                else {"level": deputy.level, "number": deputy.term}
            )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
