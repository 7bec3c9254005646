"""The notification outbox: re-send sweep on beat, one claim per row, attempts counted right."""

import datetime as dt

import pytest
from django.utils import timezone

from core import tasks
from core.models import Channel, OutboxMessage, OutboxStatus
from core.schedules import declared_schedules

SENT: list[tuple[str, str]] = []


class RecordingSms:
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))


class WorkerKilled(BaseException):
    """Stands for SIGKILL: no ``except Exception`` handler runs."""


class KilledAfterSending:
    def send(self, phone: str, text: str) -> None:
        SENT.append((phone, text))
        raise WorkerKilled


@pytest.fixture(autouse=True)
def _sms(settings):
    SENT.clear()
    settings.SMS_BACKEND = "tests.core.test_outbox.RecordingSms"


def _sms_row(**kwargs) -> OutboxMessage:
    return OutboxMessage.objects.create(
        channel=Channel.SMS, address="13812345678", subject="Tracking code", **kwargs
    )


def _age(row: OutboxMessage, minutes: int) -> None:
    OutboxMessage.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


def test_it_puts_the_resend_sweep_on_beat_every_minute():
    sweeps = [s for s in declared_schedules() if s.task == "core.tasks.deliver_pending_outbox"]
    assert len(sweeps) == 1
    assert (sweeps[0].minute, sweeps[0].hour) == ("*", "*")


def test_the_sweep_sends_a_message_whose_enqueue_was_lost(db):
    row = _sms_row()
    _age(row, 2)
    assert tasks.deliver_pending_outbox() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
    assert len(SENT) == 1


def test_a_worker_killed_after_sending_does_not_send_twice_when_the_task_is_redelivered(
    db, settings
):
    row = _sms_row()
    settings.SMS_BACKEND = "tests.core.test_outbox.KilledAfterSending"
    with pytest.raises(WorkerKilled):
        tasks.deliver(row.pk)
    # The broker hands the unacknowledged task to another worker at once, and beat sweeps.
    settings.SMS_BACKEND = "tests.core.test_outbox.RecordingSms"
    assert tasks.deliver(row.pk) is False
    _age(row, 5)
    assert tasks.deliver_pending_outbox() == 0
    assert len(SENT) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENDING, 1)


def test_a_stale_claim_is_taken_over_by_the_sweep_and_counted_as_a_second_attempt(db):
    row = _sms_row()
    old = timezone.now() - tasks.CLAIM_STALE_AFTER - dt.timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=row.pk).update(
        status=OutboxStatus.SENDING, claimed_at=old, attempts=1
    )
    _age(row, 5)
    assert tasks.deliver_pending_outbox() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


def test_a_failed_send_goes_back_to_pending_with_the_attempt_counted(db, settings):
    row = _sms_row()
    settings.SMS_BACKEND = "core.sms.SmsBackend"  # send() raises NotImplementedError
    with pytest.raises(NotImplementedError):
        tasks.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert "NotImplementedError" in row.last_error


def test_it_gives_up_after_the_last_attempt(db, settings):
    row = _sms_row(attempts=tasks.MAX_ATTEMPTS - 1)
    settings.SMS_BACKEND = "core.sms.SmsBackend"
    with pytest.raises(NotImplementedError):
        tasks.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, tasks.MAX_ATTEMPTS)


def test_the_broker_forgets_an_unacknowledged_task_only_after_the_longest_delivery(settings):
    from config.celery import app

    assert app.conf.broker_connection_timeout <= 3
    task = app.tasks["core.tasks.deliver_outbox_message"]
    assert task.time_limit < tasks.CLAIM_STALE_AFTER.total_seconds()
