from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services, webhooks
from .models import Delivery, ExternalPlatform, Forwarding, Integration, Subscription


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    """Keys are created on the integrations page (shown once); the admin only reads them.

    The region is read-only here: the service account's clerk scope was made from it."""

    list_display = ("name", "region", "access", "can_see_pii", "expires_at", "revoked_at")
    list_filter = ("access", "can_see_pii")
    readonly_fields = ("region", "key_prefix", "user", "created_by", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("integration", "url", "is_active", "created_at")
    list_filter = ("is_active",)


@admin.action(description=_("Re-send the selected dead letters"))
def resend_dead(modeladmin, request, queryset) -> None:
    count = webhooks.resend(queryset)
    modeladmin.message_user(request, _("%(n)d deliveries queued again.") % {"n": count})


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Dead letters (``status = dead``) are listed here and can be re-sent."""

    list_display = ("uid", "event", "petition", "subscription", "status", "attempts", "last_error")
    list_filter = ("status", "event")
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = [resend_dead]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ExternalPlatform)
class ExternalPlatformAdmin(admin.ModelAdmin):
    """Saving a platform gives it its department and handler account (services.platform_setup)."""

    list_display = ("name", "adapter", "url", "region", "department", "is_active")
    readonly_fields = ("department", "user")

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        services.platform_setup(platform=obj)


@admin.register(Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
    list_display = ("petition", "platform", "external_id", "state", "updated_at")
    list_filter = ("state", "platform")
    readonly_fields = [f.name for f in Forwarding._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
