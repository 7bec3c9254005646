from django.urls import path

from . import views

app_name = "deputies"
urlpatterns = [
    path("", views.deputy_list_view, name="list"),
    path("new/", views.deputy_create, name="create"),
    path("me/", views.me, name="me"),
    path("export/", views.export, name="export"),
    path("import/", views.import_view, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("terms/", views.term_list, name="terms"),
    path("terms/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("terms/<int:pk>/delete/", views.term_delete, name="term_delete"),
    path("<int:pk>/", views.deputy_detail, name="detail"),
    path("<int:pk>/terms/", views.deputy_terms, name="deputy_terms"),
    path("<int:pk>/edit/", views.deputy_edit, name="edit"),
    path("<int:pk>/phone/", views.reveal_phone, name="reveal_phone"),
    path("<int:pk>/assign/", views.assignment_add, name="assign"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="end_assignment"),
    path("d/<str:public_code>/", views.public, name="public"),
    path("d/<str:public_code>/qr.svg", views.qr_svg, name="qr_svg"),
    path("d/<str:public_code>/qr.png", views.qr_png, name="qr_png"),
]
