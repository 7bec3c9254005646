"""The notification outbox: re-send sweep on beat, one claim per row, attempts counted right."""

import datetime as dt

import pytest
from django.utils import timezone

from bench.battery.common import FileSmsBackend, delivered, repeats_dropped
from core import tasks
from core.models import Channel, OutboxMessage, OutboxStatus
from core.schedules import declared_schedules, install_schedules

SENT: list[tuple[str, str]] = []


class RecordingSms:
    def send(self, phone: str, text: str, *, key: str) -> None:
        SENT.append((phone, text))


class WorkerKilled(BaseException):
    """Stands for SIGKILL: no ``except Exception`` handler runs."""


class KilledAfterSending:
    def send(self, phone: str, text: str, *, key: str) -> None:
        SENT.append((phone, text))
        raise WorkerKilled


class GatewayThenKilled(FileSmsBackend):
    """The fake gateway accepts, then the worker dies before the row is marked sent."""

    def send(self, phone: str, text: str, *, key: str) -> None:
        super().send(phone, text, key=key)
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


def test_it_puts_the_resend_sweep_on_beat_every_30_seconds(db):
    from django_celery_beat.models import PeriodicTask

    sweeps = [s for s in declared_schedules() if s.task == "core.tasks.deliver_pending_outbox"]
    assert len(sweeps) == 1
    install_schedules()
    task = PeriodicTask.objects.get(task="core.tasks.deliver_pending_outbox")
    assert (task.interval.every, task.interval.period, task.crontab) == (30, "seconds", None)


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
    # Redis hands an unacknowledged task to a second worker after the visibility timeout: it
    # must outlast every delivery task's hard limit and the longest retry countdown.
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    batch = app.tasks["core.tasks.deliver_outbox_batch"]
    assert visibility > max(task.time_limit, batch.time_limit, tasks.MAX_RETRY_COUNTDOWN)


def test_a_row_delivered_again_after_a_crash_between_send_and_sent_reaches_the_phone_once(
    db, settings, tmp_path, monkeypatch
):
    """The window the claim cannot close: the gateway accepted, the worker died before the
    "sent" mark. The sweep takes the stale claim over and sends again with the same key
    (outbox:<id>); the gateway drops it."""
    monkeypatch.setenv("BATTERY_OUT", str(tmp_path))
    row = _sms_row(body="ABCD-EFGH")
    settings.SMS_BACKEND = "tests.core.test_outbox.GatewayThenKilled"
    with pytest.raises(WorkerKilled):
        tasks.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENDING, 1)

    settings.SMS_BACKEND = "bench.battery.common.FileSmsBackend"
    stale = timezone.now() - tasks.CLAIM_STALE_AFTER - dt.timedelta(seconds=1)
    OutboxMessage.objects.filter(pk=row.pk).update(claimed_at=stale)
    _age(row, 5)
    assert tasks.deliver_pending_outbox() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert (tmp_path / "sms" / f"outbox_{row.pk}").read_text() == "Tracking code ABCD-EFGH\n"
    assert sum(delivered(tmp_path).values()) == 1
    assert repeats_dropped(tmp_path) == 1


def test_the_console_gateway_drops_a_repeated_key(caplog):
    import uuid

    from core.sms import LoggingSmsBackend

    # Fresh keys (the cache may be Redis) without a "1", so no run of their digits can look
    # like a mobile number to the log's masking.
    a, b = (f"outbox:{uuid.uuid4().hex.replace('1', 'x')}" for _ in range(2))
    with caplog.at_level("INFO", logger="liaison.sms"):
        LoggingSmsBackend().send("13812345678", "Tracking code X", key=a)
        LoggingSmsBackend().send("13812345678", "Tracking code X", key=a)
        LoggingSmsBackend().send("13812345678", "Tracking code Y", key=b)
        # The same key with another text: a new message in a rebuilt database, not a repeat.
        LoggingSmsBackend().send("13812345678", "Tracking code Z", key=b)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        f"SMS {a} to 138****5678: Tracking code X",
        f"SMS {a} to 138****5678 already accepted: not sent again",
        f"SMS {b} to 138****5678: Tracking code Y",
        f"SMS {b} to 138****5678: Tracking code Z",
    ]


def test_the_sweep_fans_a_backlog_out_in_batches_and_does_not_queue_it_twice(db, monkeypatch):
    rows = [_sms_row(body=f"n{i}") for i in range(60)]
    OutboxMessage.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    queued: list[list[int]] = []
    monkeypatch.setattr(tasks.deliver_outbox_batch, "delay", queued.append)
    assert tasks.deliver_pending_outbox() == 60
    assert [len(b) for b in queued] == [25, 25, 10]
    assert sorted(pk for b in queued for pk in b) == sorted(r.pk for r in rows)
    # The tasks have not run yet (a long queue): the next sweep, 30 s later, queues nothing.
    assert tasks.deliver_pending_outbox() == 0
    assert len(queued) == 3
    # A batch task that was lost: its rows are queued again once REQUEUE_AFTER has passed.
    OutboxMessage.objects.update(claimed_at=timezone.now() - tasks.REQUEUE_AFTER)
    assert tasks.deliver_pending_outbox() == 60
    assert [len(b) for b in queued] == [25, 25, 10, 25, 25, 10]
    # Delivered (here by hand, as a worker would): nothing is left to sweep.
    assert sum(tasks.deliver_outbox_batch(b) for b in queued[:3]) == 60
    assert len(SENT) == 60
    assert tasks.deliver_pending_outbox() == 0
