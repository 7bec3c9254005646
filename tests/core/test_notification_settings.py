"""Notifications: mark all read, read/unread filter, preferences per kind, the daily digest."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from core import notify
from core.models import Notification, NotificationPreference, OutboxMessage, OutboxStatus
from core.tasks import send_daily_digests
from tests.petitions.factories import make_petition

LIST = reverse("core:notifications")
SETTINGS = reverse("core:notification_settings")


def _notes(user, *titles, read=()):
    for title in titles:
        Notification.objects.create(
            user=user, title=title, read_at=timezone.now() if title in read else None
        )


def test_mark_all_as_read_marks_only_mine(as_role, world):
    _notes(world.user("staff"), "一", "二", "三", read={"三"})
    _notes(world.user("handler"), "别人的")
    response = as_role("staff").post(reverse("core:notifications_read_all"), follow=True)
    assert "2 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(user=world.user("staff"), read_at=None).exists()
    assert Notification.objects.filter(user=world.user("handler"), read_at=None).count() == 1


@pytest.mark.parametrize("show,seen,unseen", [("unread", "未读", "已读"), ("read", "已读", "未读")])
def test_the_list_filters_read_and_unread(as_role, world, show, seen, unseen):
    _notes(world.user("staff"), "未读通知", "已读通知", read={"已读通知"})
    body = as_role("staff").get(LIST, {"show": show}).content.decode()
    assert f"{seen}通知" in body and f"{unseen}通知" not in body


def _save(client, data):
    return client.post(SETTINGS, data, follow=True)


def test_preferences_are_saved_and_shown_again(as_role, world):
    client = as_role("staff")
    response = _save(client, {"cases__in_app": "on", "cases__sms": "on", "daily_digest": "on"})
    assert "Your notification settings were saved." in response.content.decode()
    pref = NotificationPreference.objects.get(user=world.user("staff"), kind="cases")
    assert (pref.in_app, pref.email, pref.sms) == (True, False, True)
    # Unticked kinds keep nothing but the security bell, which cannot be switched off.
    security = NotificationPreference.objects.get(user=world.user("staff"), kind="security")
    assert (security.in_app, security.email, security.sms) == (True, False, False)
    world.user("staff").refresh_from_db()
    assert world.user("staff").daily_digest is True
    body = client.get(SETTINGS).content.decode()
    assert 'name="cases__sms" id="id_cases__sms" aria-label' in body
    assert body.count("checked") == 4  # cases in-app + SMS, security in-app, the digest


def _case_notices(world, user_kw):
    staff = world.user("staff")
    for k, v in user_kw.items():
        setattr(staff, k, v)
    staff.save()
    return staff


def test_notify_follows_the_choice_per_kind(world, db):
    staff = _case_notices(world, {"email": "staff@example.org", "phone": "13700137000"})
    NotificationPreference.objects.create(user=staff, kind="cases", in_app=False, sms=True)
    notify.notify_users([staff], subject="新件", dedupe_key="petition:1:submitted")
    rows = OutboxMessage.objects.filter(user=staff).values_list("channel", "kind")
    assert sorted(rows) == [("email", "cases"), ("sms", "cases")]
    # Another kind still has the default: in-app and email, no SMS.
    notify.notify_users([staff], subject="提醒", dedupe_key="sweep:due:1")
    assert sorted(
        OutboxMessage.objects.filter(user=staff, kind="deadlines").values_list("channel", flat=True)
    ) == ["email", "in_app"]


def test_the_daily_digest_sends_one_email_instead_of_one_per_event(
    world, db, django_capture_on_commit_callbacks
):
    staff = _case_notices(world, {"email": "staff@example.org", "daily_digest": True})
    with django_capture_on_commit_callbacks(execute=True):
        make_petition(world, "submitted", title="路灯不亮")
        make_petition(world, "submitted", title="河道清淤")
    held = OutboxMessage.objects.filter(user=staff, channel="email", status=OutboxStatus.HELD)
    assert held.count() == 2
    assert not [m for m in mail.outbox if "staff@example.org" in m.to]
    # The bell still shows each event at once.
    assert Notification.objects.filter(user=staff).count() == held.count()
    n = held.count()
    # The worker's last job left Chinese active: the task still writes in the site's language.
    with django_capture_on_commit_callbacks(execute=True), override("zh-hans"):
        assert send_daily_digests.apply().get() == 1
    mine = [m for m in mail.outbox if "staff@example.org" in m.to]
    assert len(mine) == 1
    assert f"{n} notifications" in mine[0].subject
    assert mine[0].body.count("· ") == n and "路灯不亮" in mine[0].body
    # Run again: nothing held, nothing sent twice.
    assert send_daily_digests() == 0
    assert len([m for m in mail.outbox if "staff@example.org" in m.to]) == 1


def test_without_the_digest_each_event_is_emailed(world, db, django_capture_on_commit_callbacks):
    _case_notices(world, {"email": "staff@example.org"})
    with django_capture_on_commit_callbacks(execute=True):
        make_petition(world, "submitted", title="路灯不亮")
        make_petition(world, "submitted", title="河道清淤")
    assert len([m for m in mail.outbox if "staff@example.org" in m.to]) == 2


def test_the_settings_page_speaks_chinese(as_role, world, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with override("zh-hans"):
        body = as_role("staff").get(SETTINGS).content.decode()
        listing = as_role("staff").get(LIST).content.decode()
    assert "通知设置" in body and "每日汇总" in body and "全部标为已读" in listing
