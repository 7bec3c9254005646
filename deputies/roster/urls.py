from django.urls import path

from . import views as views

app_name = "roster"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.my_schedule, name="my_schedule"),
    path("mine/unavailable/", views.my_unavailability, name="my_unavailability"),
    path(
        "mine/unavailable/<int:pk>/delete/",
        views.my_unavailability_delete,
        name="my_unavailability_delete",
    ),
    path("mine/calendar/rotate/", views.ical_rotate, name="ical_rotate"),
    path("ical/<str:token>.ics", views.ical, name="ical"),
    path("station/<int:pk>/", views.station_roster, name="station_roster"),
    path("station/<int:pk>/print/", views.roster_print, name="print"),
    path("station/<int:pk>/generate/", views.generate, name="generate"),
    path("station/<int:pk>/autofill/", views.autofill, name="autofill"),
    path("station/<int:pk>/rotate/", views.rotate, name="rotate"),
    path("station/<int:pk>/unavailable/", views.unavailability_add, name="unavailability_add"),
    path(
        "station/<int:pk>/unavailable/<int:upk>/",
        views.unavailability_edit,
        name="unavailability_edit",
    ),
    path(
        "station/<int:pk>/unavailable/<int:upk>/delete/",
        views.unavailability_delete,
        name="unavailability_delete",
    ),
    path("station/<int:pk>/rules/new/", views.rule_create, name="rule_create"),
    path("station/<int:pk>/days/new/", views.day_create, name="day_create"),
    path("station/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("days/<int:pk>/", views.day_detail, name="day_detail"),
    path("days/<int:pk>/duties/", views.duty_add, name="duty_add"),
    path("days/<int:pk>/departments/", views.department_add, name="department_add"),
    path("days/<int:pk>/status/", views.day_status, name="day_status"),
    path("duties/<int:pk>/remove/", views.duty_remove, name="duty_remove"),
    path("duties/<int:pk>/swap/", views.swap_create, name="swap_create"),
    path("day-departments/<int:pk>/remove/", views.department_remove, name="department_remove"),
    path("swaps/<int:pk>/respond/", views.swap_respond, name="swap_respond"),
    path("swaps/<int:pk>/decide/", views.swap_decide, name="swap_decide"),
]
