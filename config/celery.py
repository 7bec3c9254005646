"""The Celery application. Settings live in Django settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("liaison")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _task_packages() -> list[str]:
    from core.packages import app_packages

    return app_packages()


# Every app's and sub-domain package's ``tasks`` module (deputies.roster.tasks, …); lazy, so it
# runs once Django's apps are loaded.
app.autodiscover_tasks(_task_packages)
