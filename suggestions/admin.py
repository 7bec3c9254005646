from django.contrib import admin

from .models import Suggestion, SuggestionEvent, SuggestionReply


class EventInline(admin.TabularInline):
    model = SuggestionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "kind", "action", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    """Read-mostly: every status change goes through suggestions/services.py."""

    list_display = ["pk", "year", "number", "title", "lead_deputy", "region", "status"]
    list_filter = ["status", "level", "classification"]
    search_fields = ["title"]
    readonly_fields = [f.name for f in Suggestion._meta.fields]
    inlines = [EventInline]


@admin.register(SuggestionReply)
class SuggestionReplyAdmin(admin.ModelAdmin):
    list_display = ["suggestion", "department", "round", "classification", "on_time", "evaluation"]
    readonly_fields = [f.name for f in SuggestionReply._meta.fields]
