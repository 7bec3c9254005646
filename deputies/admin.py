from django.contrib import admin

from .models import Deputy, StationAssignment
from .roster import admin as roster_admin  # noqa: F401 - registers the roster models


class StationAssignmentInline(admin.TabularInline):
    model = StationAssignment
    extra = 0
    raw_id_fields = ["station"]


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["name", "gender", "level", "term", "occupation", "is_active"]
    list_filter = ["level", "gender", "is_active", "term"]
    # Pinyin and initials, so "zs" finds 张三 here too.
    search_fields = ["name", "name_pinyin", "name_initials", "phone", "constituency"]
    readonly_fields = ["public_code", "name_pinyin", "name_initials", "created_at"]
    raw_id_fields = ["user"]
    inlines = [StationAssignmentInline]


@admin.register(StationAssignment)
class StationAssignmentAdmin(admin.ModelAdmin):
    list_display = ["deputy", "station", "is_primary", "start_date", "end_date"]
    list_filter = ["is_primary"]
    search_fields = ["deputy__name", "deputy__name_pinyin", "station__name"]
    raw_id_fields = ["deputy", "station"]
