"""Celery queues: notifications never wait behind an export or a rollup rebuild."""

import pytest

from config.celery import QUEUES, app

EXPECTED = {
    "core.tasks.deliver_outbox_message": "interactive",
    "core.tasks.deliver_outbox_batch": "interactive",
    "petitions.tasks.sweep_deadlines": "sweep",
    "suggestions.tasks.sweep_suggestions": "sweep",
    "reports.tasks.apply_new_events": "sweep",
    "reports.ledgers.tasks.run_export": "bulk",
    "reports.tasks.reconcile_rollups": "bulk",
    "reports.tasks.prepare_monthly_reports": "bulk",
}


def _queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


@pytest.mark.parametrize("task, queue", sorted(EXPECTED.items()))
def test_each_task_goes_to_its_queue(task, queue):
    app.loader.import_default_modules()
    assert task in app.tasks, f"{task} is not a registered task (renamed?)"
    assert _queue(task) == queue


def test_every_routed_name_is_a_real_task():
    app.loader.import_default_modules()
    missing = [t for tasks in QUEUES.values() for t in tasks if t not in app.tasks]
    assert not missing


def test_a_task_nobody_routed_goes_to_the_interactive_queue():
    assert _queue("somewhere.tasks.new_task") == "interactive"


def test_the_development_worker_consumes_every_queue():
    from core.management.commands import serve

    source = open(serve.__file__, encoding="utf-8").read()
    assert "--queues=interactive,sweep,bulk" in source


def test_every_task_starts_in_the_site_language(settings):
    """A worker thread keeps the language of its previous job; the next task must not."""
    from celery import signals
    from django.utils import translation

    from core.tasks import send_daily_digests

    translation.activate("zh-hans")
    try:
        signals.task_prerun.send(
            sender=send_daily_digests, task_id="t", task=send_daily_digests, args=(), kwargs={}
        )
        assert translation.get_language() == settings.LANGUAGE_CODE
    finally:
        translation.deactivate()
