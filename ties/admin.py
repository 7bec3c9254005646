from django.contrib import admin

from deputies.models import DeputyTerm

from . import models


# Terms belong to deputies/; they are registered here so deputies/ stays as it was (the term
# model was the one change this work made there).
@admin.register(DeputyTerm)
class DeputyTermAdmin(admin.ModelAdmin):
    list_display = ("deputy", "level", "number", "start", "end")
    list_filter = ("level",)
    raw_id_fields = ("deputy",)


@admin.register(models.Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ("name", "community", "station", "worker", "is_active")
    raw_id_fields = ("community", "station", "worker")


@admin.register(models.ElectoralDistrict)
class ElectoralDistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "level")
    raw_id_fields = ("region",)
    filter_horizontal = ("deputies",)


admin.site.register(models.ThemedMeeting)
