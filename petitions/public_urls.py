"""Constituent-facing pages (no login), mounted at /p/."""

from django.urls import path

from . import public_views as views

app_name = "public"
urlpatterns = [
    path("s/<str:public_code>/", views.station_submit, name="station_submit"),
    path("d/<str:public_code>/", views.deputy_submit, name="deputy_submit"),
    path("captcha/", views.captcha_refresh, name="captcha"),
    path("receipt/<str:code>/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/<str:code>/", views.track_detail, name="track_detail"),
    path("track/<str:code>/rate/", views.rate, name="rate"),
    path("track/<str:code>/rated/", views.rated, name="rated"),
]
