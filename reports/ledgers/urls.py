from django.urls import path

from . import views as views

app_name = "ledgers"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export, name="export"),
    # "Export this list": the petitions list with its on-screen filter (same query string).
    path("petitions-list.xlsx", views.petition_list_export, name="petition_list_export"),
    path("jobs/<int:pk>/", views.export_job, name="export_job"),
    path("jobs/<int:pk>/status/", views.export_status, name="export_status"),
    path("jobs/<int:pk>/download/", views.export_download, name="export_download"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/station/<int:pk>/preview/", views.notice_preview, name="notice_preview"),
    path("notices/station/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    # Public (no login): what the station's public page links to.
    path("notices/s/<str:code>/<int:pk>/", views.notice_public, name="notice_public"),
    path("records/behind/", views.behind, name="behind"),
    path("records/<int:pk>/<int:year>/", views.record_page, name="record"),
    path("records/<int:pk>/<int:year>/print/", views.record_print, name="record_print"),
    path("records/<int:pk>/<int:year>/export/", views.record_export, name="record_export"),
    path("records/<int:pk>/activities/new/", views.activity_create, name="activity_create"),
    path(
        "records/station/<int:pk>/<int:year>/export/",
        views.station_records_export,
        name="station_records_export",
    ),
]
