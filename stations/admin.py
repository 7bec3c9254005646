from django.contrib import admin

from .models import ClerkScope, Department, DepartmentHandler, Region, StaffPost, Station


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]
    autocomplete_fields = ["parent"]


class StaffPostInline(admin.TabularInline):
    model = StaffPost
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "parent", "is_active", "public_code"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "address", "public_code"]
    list_select_related = ["region", "parent"]
    autocomplete_fields = ["region", "parent"]
    readonly_fields = ["public_code", "created_at"]
    inlines = [StaffPostInline]


@admin.register(ClerkScope)
class ClerkScopeAdmin(admin.ModelAdmin):
    list_display = ["user", "region"]
    list_select_related = ["user", "region"]
    autocomplete_fields = ["user", "region"]


class DepartmentHandlerInline(admin.TabularInline):
    model = DepartmentHandler
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "contact_person", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [DepartmentHandlerInline]
