from django.db import models
from django.utils.translation import gettext_lazy as _


class ContactKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone call")
    WECHAT = "wechat", _("WeChat")


class ReportForm(models.TextChoices):
    """How a deputy reports back to the electoral district (述职)."""

    ORAL = "oral", _("Oral")
    WRITTEN = "written", _("Written")


class AppointmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the station")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
