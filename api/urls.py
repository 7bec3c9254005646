"""The pages of the api app (integrations and keys); the JSON API is api/api_urls.py."""

from django.urls import path

from . import views

app_name = "integrations"
urlpatterns = [
    path("", views.integration_list, name="list"),
    path("new/", views.integration_create, name="create"),
    path("<int:pk>/revoke/", views.integration_revoke, name="revoke"),
    path("forward/<int:pk>/", views.forward, name="forward"),
]
