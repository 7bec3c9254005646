from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .auth import unlock
from .models import Holiday, LoginLock, Notification, OutboxMessage, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (None, {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_superuser", "is_active")
    search_fields = ("username", "full_name", "email")
    actions = ["unlock_login"]

    @admin.action(description=gettext_lazy("Unlock login (forget failed logins)"))
    def unlock_login(self, request, queryset) -> None:
        _unlock(self, request, queryset.values_list("username", flat=True))


@admin.register(LoginLock)
class LoginLockAdmin(admin.ModelAdmin):
    list_display = ("username", "is_locked", "locked_until", "failures", "lockouts")
    search_fields = ("username",)
    actions = ["unlock_selected"]

    @admin.display(boolean=True, description=gettext_lazy("locked now"))
    def is_locked(self, obj) -> bool:
        return bool(obj.locked_until and obj.locked_until > timezone.now())

    @admin.action(description=gettext_lazy("Unlock selected logins"))
    def unlock_selected(self, request, queryset) -> None:
        _unlock(self, request, queryset.values_list("username", flat=True))


def _unlock(model_admin, request, usernames) -> None:
    count = unlock(usernames)
    model_admin.message_user(
        request, _("%(n)d login(s) unlocked.") % {"n": count}, level=messages.SUCCESS
    )


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "created_at", "read_at")


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("channel", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("channel", "status")
    readonly_fields = ("address",)
