from django.urls import path

from . import views

app_name = "routing"
urlpatterns = [
    path("", views.rule_list, name="rules"),
    path("<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
