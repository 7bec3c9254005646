from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .auth import unlock
from .forms import HolidayYearForm
from .models import CalendarYear, Holiday, LoginLock, Notification, OutboxMessage, User
from .services import CalendarError, calendar_year_load


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed for reading; rows are written by a service, not edited one by one."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(ReadOnlyAdmin):
    """Read only: a year is loaded as a whole (Holiday calendar years → Load a year), so that
    what was computed into it is recomputed."""

    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """The years whose State Council notice is loaded, and the page that loads one."""

    list_display = ("year", "source", "loaded_at", "loaded_by", "summary")
    change_list_template = "admin/core/calendaryear/change_list.html"

    def get_urls(self):
        load = self.admin_site.admin_view(self.load_view)
        return [path("load/", load, name="core_calendaryear_load"), *super().get_urls()]

    def load_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        form = HolidayYearForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                entry = calendar_year_load(
                    actor=request.user, year=form.cleaned_data["year"], days=form.days()
                )
            except CalendarError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("The %(year)s holidays are loaded: %(summary)s")
                    % {"year": entry.year, "summary": entry.summary},
                )
                return redirect("admin:core_calendaryear_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load a year's public holidays"),
            "form": form,
        }
        return TemplateResponse(request, "admin/core/calendaryear/load.html", context)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "created_at", "read_at")


@admin.register(OutboxMessage)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ("channel", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("channel", "status")
    readonly_fields = ("address",)
