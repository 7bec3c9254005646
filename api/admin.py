from django.contrib import admin

from .models import Integration


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    """Keys are created on the integrations page (shown once); the admin only reads them."""

    list_display = ("name", "region", "access", "can_see_pii", "expires_at", "revoked_at")
    list_filter = ("access", "can_see_pii")
    readonly_fields = ("key_prefix", "user", "created_by", "created_at", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request) -> bool:
        return False
