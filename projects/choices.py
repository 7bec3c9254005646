from django.db import models
from django.utils.translation import gettext_lazy as _

from petitions.choices import Satisfaction


class Status(models.TextChoices):
    """Where a candidate project stands (征 → 选 → 督 → 评)."""

    PROPOSED = "proposed", _("Proposed")
    RESERVE = "reserve", _("In the reserve list")
    REJECTED = "rejected", _("Not taken into the reserve")
    ON_BALLOT = "on_ballot", _("On the ballot")
    CHOSEN = "chosen", _("Chosen by the deputies")
    NOT_CHOSEN = "not_chosen", _("Not chosen")
    IN_PROGRESS = "in_progress", _("Being carried out")
    COMPLETED = "completed", _("Completed")
    CARRIED_OVER = "carried_over", _("Carried over to next year")


# A project the public may look at on its own page (五公开): once the deputies chose it.
PUBLIC_STATUSES = (Status.CHOSEN, Status.IN_PROGRESS, Status.COMPLETED, Status.CARRIED_OVER)


class Stage(models.TextChoices):
    """Where a year's cycle stands."""

    COLLECTING = "collecting", _("Collecting candidates")
    VOTING = "voting", _("Deputies voting")
    IMPLEMENTING = "implementing", _("Being carried out")
    EVALUATED = "evaluated", _("Evaluated")


class Source(models.TextChoices):
    DEPUTY = "deputy", _("Deputy")
    STATION = "station", _("Liaison station")
    PUBLIC = "public", _("The public (online station)")
    CARRIED = "carried", _("Carried over from last year")


class VoteRule(models.TextChoices):
    APPROVE_EACH = "approve_each", _("Approve each (for / against / abstain)")
    CHOOSE_N = "choose_n", _("Choose up to N")


class Choice(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("Abstain")


class BallotAction(models.TextChoices):
    CAST = "cast", _("Ballot cast")
    CHANGED = "changed", _("Ballot changed")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status change")
    MILESTONE = "milestone", _("Milestone")
    PROGRESS = "progress", _("Progress report")
    INSPECTION = "inspection", _("Inspection by deputies")
    OVERDUE = "overdue", _("Milestone overdue")
    RATED = "rated", _("Rated")


class RaterKind(models.TextChoices):
    SMS = "sms", _("Online, verified by SMS")
    SURVEY = "survey", _("Survey recorded by staff")


Rating = Satisfaction
