"""Admin for the roster models (imported from ``deputies/admin.py``).

Statuses are read-only here: they change through the roster services only.
"""

from django.contrib import admin

from .models import (
    DayDepartment,
    DeputyCalendarToken,
    Duty,
    ReceptionDay,
    ReceptionRule,
    SwapRequest,
    Unavailability,
)


@admin.register(ReceptionRule)
class ReceptionRuleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "station",
        "freq",
        "start_time",
        "end_time",
        "holiday_policy",
        "is_active",
    ]
    list_filter = ["freq", "holiday_policy", "is_active"]
    search_fields = ["title", "station__name"]
    raw_id_fields = ["station"]


class DutyInline(admin.TabularInline):
    model = Duty
    fk_name = "day"
    raw_id_fields = ["deputy", "replaced_by"]
    readonly_fields = ["status", "checked_in_at", "recorded_by", "recorded_at"]
    extra = 0


class DayDepartmentInline(admin.TabularInline):
    model = DayDepartment
    raw_id_fields = ["department"]
    extra = 0


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ["date", "start_time", "station", "kind", "topic", "status"]
    list_filter = ["kind", "status"]
    date_hierarchy = "date"
    search_fields = ["station__name", "topic"]
    raw_id_fields = ["station", "rule"]
    readonly_fields = ["status"]
    inlines = [DutyInline, DayDepartmentInline]


@admin.register(SwapRequest)
class SwapRequestAdmin(admin.ModelAdmin):
    list_display = [
        "requester",
        "counterpart",
        "status",
        "created_at",
        "responded_at",
        "decided_at",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in SwapRequest._meta.fields]


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    list_display = ["deputy", "start", "end", "reason"]
    raw_id_fields = ["deputy", "created_by"]


@admin.register(DeputyCalendarToken)
class DeputyCalendarTokenAdmin(admin.ModelAdmin):
    list_display = ["deputy", "created_at", "revoked_at"]
    readonly_fields = ["deputy", "created_at", "revoked_at"]
    exclude = ["token"]
