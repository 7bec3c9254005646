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
]
