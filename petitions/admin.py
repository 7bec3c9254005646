from django.contrib import admin

from .models import CannedReply, RoutingRight, RoutingRule


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ("region", "category", "keyword", "lead_department", "reply_days")
    list_filter = ("category",)
    filter_horizontal = ("assisting_departments",)


@admin.register(RoutingRight)
class RoutingRightAdmin(admin.ModelAdmin):
    list_display = ("deputy", "granted_by", "granted_at")
    raw_id_fields = ("deputy",)

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "outcome")
    list_filter = ("department",)
