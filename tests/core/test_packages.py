"""Sub-domain packages (deputies/roster/, reports/ledgers/) are found like apps."""

from config.celery import app
from core.packages import app_packages
from core.schedules import declared_schedules


def test_it_finds_the_sub_domain_packages_and_no_library_internals():
    names = app_packages()
    assert {"deputies.roster", "reports.ledgers"} <= set(names)
    assert "deputies.migrations" not in names and "django.contrib.admin.views" not in names


def test_it_installs_and_registers_every_declared_schedule():
    app.loader.import_default_modules()
    tasks = {s.task for s in declared_schedules()}
    assert {
        "deputies.roster.tasks.send_duty_reminders",
        "reports.ledgers.tasks.publish_due_notices",
    } <= tasks
    assert tasks <= set(app.tasks)
