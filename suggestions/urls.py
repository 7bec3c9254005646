from django.urls import path

from . import views

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.suggestion_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.suggestion_edit, name="edit"),
    path("<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("<int:pk>/print/", views.print_form, name="print_form"),
    path("<int:pk>/print/reply/", views.print_reply, name="print_reply"),
    path("replies/<int:pk>/letter/", views.letter, name="letter"),
]
