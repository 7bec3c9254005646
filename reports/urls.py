from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("regions/<int:pk>/", views.region, name="region"),
    path("stations/<int:pk>/", views.station, name="station"),
    path("departments/", views.departments, name="departments"),
    path("deputies/", views.deputies, name="deputies"),
    path("stations/ranking/", views.stations_ranking, name="stations_ranking"),
    path("overdue/", views.overdue, name="overdue"),
    path("map/", views.station_map, name="map"),
    path("map/outline/", views.map_upload, name="map_upload"),
    path("regions/<int:pk>/monthly/<int:year>/<int:month>/", views.monthly, name="monthly"),
]
