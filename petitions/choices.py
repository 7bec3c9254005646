from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    HANDLING = "handling", _("Handling")
    REPLIED = "replied", _("Replied")
    FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACCEPTED,
    Status.TRIAGED,
    Status.ASSIGNED,
    Status.HANDLING,
    Status.REPLIED,
    Status.FEEDBACK_GIVEN,
)
# Cases a department is working on: the deadline clock runs.
UNDER_DEADLINE = (Status.ASSIGNED, Status.HANDLING)
FINAL_STATUSES = (Status.DECLINED, Status.MERGED, Status.CLOSED)


class Channel(models.TextChoices):
    RECEPTION = "reception", _("Reception day")
    STATION_QR = "station_qr", _("Station QR code")
    DEPUTY_QR = "deputy_qr", _("Deputy QR code")
    DEPUTY_VISIT = "deputy_visit", _("Deputy visit")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    ONLINE = "online", _("Online station")


# Channels where a constituent may stay anonymous (nobody needs to call them back in person).
ANONYMOUS_CHANNELS = (Channel.STATION_QR, Channel.DEPUTY_QR, Channel.ONLINE, Channel.LETTER)


class ReceptionKind(models.TextChoices):
    REGULAR = "regular", _("Regular reception day")
    THEMED = "themed", _("Themed reception")
    DEPARTMENT = "department", _("Reception with departments")
    VISIT = "visit", _("Visit")
    ONLINE = "online", _("Online reception")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class Tier(models.TextChoices):
    """小事社区办，大事街道议，难事代表提."""

    COMMUNITY = "community", _("Settle on the spot / in the community")
    STREET = "street", _("Escalate to the street")
    SUGGESTION = "suggestion", _("Deputy's formal suggestion")


class Escalation(models.IntegerChoices):
    NONE = 0, _("None")
    URGED = 1, _("Urged (催办)")
    SUPERVISED = 2, _("Supervised (督办)")
    LISTED = 3, _("Listed for supervision (挂牌督办)")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class RaterKind(models.TextChoices):
    CONSTITUENT = "constituent", _("Constituent")
    DEPUTY = "deputy", _("Deputy")


class FeedbackMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")
    SMS = "sms", _("SMS")
    IN_PERSON = "in_person", _("In person at the station")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status change")
    NOTE = "note", _("Note")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    OPINION = "opinion", _("Assisting department's opinion")
    ESCALATED = "escalated", _("Escalated")
    RATED = "rated", _("Rated")
    MERGED_IN = "merged_in", _("Duplicate merged in")


class ReplyOutcome(models.TextChoices):
    """What the department's reply achieved (counted per department in the reports)."""

    SOLVED = "solved", _("Solved")
    PARTLY = "partly", _("Partly solved")
    EXPLAINED = "explained", _("Explained / cannot be solved now")
    PLANNED = "planned", _("Included in a plan")


# Badge colour by meaning (Bootstrap's text-bg-<tone>): done is green, refused or merged grey,
# waiting for the station amber, in progress blue. One table for every page that shows a status.
STATUS_TONE: dict[str, str] = {
    Status.SUBMITTED: "warning",
    Status.ACCEPTED: "primary",
    Status.TRIAGED: "primary",
    Status.ASSIGNED: "primary",
    Status.HANDLING: "primary",
    Status.REPLIED: "info",
    Status.FEEDBACK_GIVEN: "info",
    Status.CLOSED: "success",
    Status.DECLINED: "secondary",
    Status.MERGED: "secondary",
}
