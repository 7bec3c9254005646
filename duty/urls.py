from django.urls import path

from . import views

app_name = "duty"
urlpatterns = [
    path("activities/", views.activity_list, name="activities"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("activities/<int:pk>/unpublish/", views.activity_unpublish, name="unpublish"),
    path("files/<int:pk>/", views.evidence_file, name="file"),
    path("year/", views.my_year, name="my_year"),
    path("deputies/<int:pk>/", views.deputy_year, name="year"),
    path("deputies/<int:pk>/evidence/<slug:item>/", views.evidence, name="evidence"),
    path("behind/", views.behind, name="behind"),
    path("points/", views.points_ranking, name="ranking"),
    path("quotas/", views.quotas, name="quotas"),
    path("quotas/<int:pk>/", views.quota_region, name="quota_region"),
    path("schemes/", views.schemes_list, name="schemes"),
    path("schemes/new/", views.scheme_create, name="scheme_create"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/activate/", views.scheme_activate, name="scheme_activate"),
    path("stations/<int:pk>/open/", views.open_manage, name="open_manage"),
    path("stations/<int:pk>/open/rules/", views.rule_add, name="rule_add"),
    path("stations/<int:pk>/open/rules/standard/", views.rules_start, name="rules_start"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("stations/<int:pk>/open/plan/", views.plan_add, name="plan_add"),
    path("plan/<int:pk>/done/", views.plan_done, name="plan_done"),
    path("plan/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("assessments/", views.assessments, name="assessments"),
    path("stations/<int:pk>/assessment/", views.assess, name="assess"),
    path("assessments/photos/<int:pk>/", views.assessment_photo, name="assessment_photo"),
    # Public (no login): the station's 五公开 poster and published story photos.
    path("open/<str:code>/", views.poster, name="poster"),
    path("open/photos/<int:pk>/", views.story_photo, name="story_photo"),
]
