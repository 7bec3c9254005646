from django.urls import path

from . import public_views

app_name = "ties_public"
urlpatterns = [
    path("r/<str:code>/", public_views.evaluate, name="evaluate"),
    path("r/<str:code>/qr.svg", public_views.evaluate_qr, name="evaluate_qr"),
    path("b/<str:code>/", public_views.book, name="book"),
    path("b/<str:code>/booked/", public_views.booked, name="booked"),
]
