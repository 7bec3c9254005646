from django.urls import path

from . import lookups, views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    # Type-ahead lookups of the registry forms (JSON): regions, parent stations.
    path("lookup/<str:kind>/", lookups.lookup, name="lookup"),
    path("new/", views.station_create, name="create"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/poster/", views.station_poster, name="poster"),
    # Public (no login): what a station's QR code opens, and the codes themselves.
    path("s/<str:code>/", views.station_public, name="public"),
    path("s/<str:code>/qr.svg", views.station_qr_svg, name="qr_svg"),
    path("s/<str:code>/qr.png", views.station_qr_png, name="qr_png"),
    path("export/", views.station_export, name="export"),
    path("import/", views.station_import, name="import"),
    path("import/template/", views.station_import_template, name="import_template"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_create, name="region_create"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
]
