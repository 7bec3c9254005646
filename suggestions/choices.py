from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.choices import Satisfaction


class Status(models.TextChoices):
    DRAFT = "draft", _("Drafting")
    SUBMITTED = "submitted", _("Submitted for registration")
    DECLINED = "declined", _("Not registered")
    REGISTERED = "registered", _("Registered")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Replied")
    FOLLOWING = "following", _("Follow-up until delivered")
    CLOSED = "closed", _("Closed")


# The department's clock runs: the supervision sweep reads only these.
UNDER_DEADLINE = (Status.HANDLING,)
OPEN_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.REGISTERED,
    Status.HANDLING,
    Status.REPLIED,
    Status.FOLLOWING,
)


class Level(models.TextChoices):
    """Which standing committee the suggestion goes to."""

    DISTRICT = "district", _("District / county congress")
    CITY = "city", _("City congress")


class Session(models.TextChoices):
    CONGRESS = "congress", _("During the congress session")
    INTERIM = "interim", _("Between sessions")


class Classification(models.TextChoices):
    """The national classification of the result of handling a deputy's suggestion."""

    A = "A", _("A: solved or adopted")
    B = "B", _("B: included in plans, to be solved step by step")
    C = "C", _("C: kept for reference")


# The deputy evaluates a reply on the same three levels as a constituent rates a case.
Evaluation = Satisfaction


class CosignStatus(models.TextChoices):
    PENDING = "pending", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status change")
    EDITED = "edited", _("Draft edited")
    COSIGN = "cosign", _("Co-signature")
    ESCALATED = "escalated", _("Escalated")
    PROGRESS = "progress", _("Progress of the plan")
    REMINDED = "reminded", _("Follow-up reminder")


class LimitUnit(models.TextChoices):
    MONTHS = "months", _("calendar months")
    WORKING_DAYS = "working_days", _("working days")
