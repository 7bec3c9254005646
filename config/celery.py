"""The Celery application. Settings live in Django settings under the CELERY_ prefix."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")

# Three queues, each with its own workers in production (deploy/), so a 100k-row export or a
# rollup rebuild never delays an SMS: ``interactive`` (notifications people wait for),
# ``sweep`` (periodic deadline and calendar work, minutes) and ``bulk`` (exports, rollup
# rebuilds, imports: may run for minutes). A task not listed goes to ``interactive``.
QUEUES: dict[str, tuple[str, ...]] = {
    "interactive": (
        "core.tasks.deliver_outbox_message",
        "core.tasks.deliver_outbox_batch",
        "core.tasks.deliver_pending_outbox",
    ),
    "sweep": (
        "petitions.tasks.sweep_deadlines",
        "petitions.tasks.auto_close_unrated",
        "suggestions.tasks.sweep_suggestions",
        "deputies.roster.tasks.extend_reception_days",
        "deputies.roster.tasks.send_duty_reminders",
        "reports.tasks.apply_new_events",
        "reports.ledgers.tasks.publish_due_notices",
        "core.tasks.clear_expired_sessions",
        "core.tasks.warn_calendar_coverage",
    ),
    "bulk": (
        "reports.ledgers.tasks.run_export",
        "reports.tasks.reconcile_rollups",
        "reports.tasks.prepare_monthly_reports",
    ),
}
app.conf.task_default_queue = "interactive"
app.conf.task_routes = {task: {"queue": queue} for queue, tasks in QUEUES.items() for task in tasks}


def _task_packages() -> list[str]:
    from core.packages import app_packages

    return app_packages()


# Every app's and sub-domain package's ``tasks`` module (deputies.roster.tasks, …); lazy, so it
# runs once Django's apps are loaded.
app.autodiscover_tasks(_task_packages)


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def mask_personal_data(logger, **kwargs) -> None:
    """The worker and beat add their own handlers; mask phones and ID numbers in them too."""
    from core.pii import mask_handlers

    mask_handlers(logger)


@signals.task_prerun.connect
def speak_the_site_language(**kwargs) -> None:
    """A worker thread keeps the language its previous job activated; every task starts in the
    site's language, so what it writes (digests, reminders) never depends on the job before."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
