from django.contrib import admin

from .models import (
    Activity,
    ActivityFile,
    AssessmentPhoto,
    PlanItem,
    PointsRow,
    PointsScheme,
    QuotaRule,
    StationAssessment,
    StationRule,
)


@admin.register(QuotaRule)
class QuotaRuleAdmin(admin.ModelAdmin):
    list_display = ("region", "item", "quantity", "updated_at")
    list_filter = ("item",)
    autocomplete_fields = ("region",)


class PointsRowInline(admin.TabularInline):
    model = PointsRow
    extra = 0


@admin.register(PointsScheme)
class PointsSchemeAdmin(admin.ModelAdmin):
    list_display = ("region", "name", "is_active")
    autocomplete_fields = ("region",)
    inlines = [PointsRowInline]


class ActivityFileInline(admin.TabularInline):
    model = ActivityFile
    extra = 0
    readonly_fields = ("original_name", "content_type", "size")
    fields = readonly_fields


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read-only: states change through the station's review only (duty.loop)."""

    list_display = ("date", "deputy", "station", "kind", "title", "status")
    list_filter = ("status", "kind")
    readonly_fields = ("status", "decided_by", "decided_at", "return_reason", "is_published")
    inlines = [ActivityFileInline]


class AssessmentPhotoInline(admin.TabularInline):
    model = AssessmentPhoto
    extra = 0
    readonly_fields = ("original_name", "content_type", "size")
    fields = readonly_fields


@admin.register(StationAssessment)
class StationAssessmentAdmin(admin.ModelAdmin):
    list_display = ("year", "station", "score", "award", "award_published")
    list_filter = ("year", "award_published")
    readonly_fields = ("score", "breakdown", "assessed_by", "assessed_at")
    inlines = [AssessmentPhotoInline]


@admin.register(StationRule)
class StationRuleAdmin(admin.ModelAdmin):
    list_display = ("station", "order", "text")


@admin.register(PlanItem)
class PlanItemAdmin(admin.ModelAdmin):
    list_display = ("station", "date", "title", "done_on")
    list_filter = ("year",)
