"""Choices for ledgers, export jobs, progress notices and deputies' hand-recorded activities."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerKind(models.TextChoices):
    RECEPTIONS = "receptions", _("Reception register")
    PETITIONS = "petitions", _("Petition ledger")
    DEPARTMENTS = "departments", _("Department handling ledger")
    DEPUTIES = "deputies", _("Deputy performance ledger")


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    INSPECTION = "inspection", _("Inspection (视察)")
    RESEARCH = "research", _("Research (调研)")
    REPORT_ORAL = "report_oral", _("Report-back, oral (口头述职)")
    REPORT_WRITTEN = "report_written", _("Report-back, written (书面述职)")


REPORT_BACK_KINDS = (ActivityKind.REPORT_ORAL, ActivityKind.REPORT_WRITTEN)
