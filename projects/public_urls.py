"""Public pages of livelihood projects (no login), mounted at /p/projects/."""

from django.urls import path

from . import public_views as views

app_name = "projects_public"
urlpatterns = [
    path("call/<int:pk>/", views.call, name="call"),
    path("call/<int:pk>/thanks/", views.call_done, name="call_done"),
    path("results/<int:pk>/", views.results, name="results"),
    path("<int:pk>/", views.project, name="project"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/rated/", views.rated, name="rated"),
]
