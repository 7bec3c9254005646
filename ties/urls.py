from django.urls import path

from . import views
from .loop import APPOINTMENT

app_name = "ties"
urlpatterns = [
    path("pairs/", views.pair_list, name="pairs"),
    path("pairs/new/", views.pair_create, name="pair_create"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<int:pk>/phone/", views.pair_reveal, name="pair_reveal"),
    path("pairs/<int:pk>/end/", views.pair_end, name="pair_end"),
    path("pairs/<int:pk>/contacts/", views.contact_log, name="contact_log"),
    path("contacts/<int:pk>/case/", views.contact_raise, name="contact_raise"),
    path("committee/<int:pk>/", views.committee_set, name="committee_set"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("grids/", views.grid_list, name="grids"),
    path("grids/mine/", views.grid_home, name="grid_home"),
    path("grids/new/", views.grid_create, name="grid_create"),
    path("grids/<int:pk>/", views.grid_edit, name="grid_edit"),
    path("grids/<int:pk>/deputies/", views.grid_deputies, name="grid_deputies"),
    path("districts/", views.district_list, name="districts"),
    path("districts/new/", views.district_create, name="district_create"),
    path("districts/<int:pk>/", views.district_edit, name="district_edit"),
    path("deputies/<int:pk>/grids/", views.deputy_grids, name="deputy_grids"),
    path("reportbacks/", views.reportback_list, name="reportbacks"),
    path("reportbacks/new/", views.reportback_create, name="reportback_create"),
    path("reportbacks/compliance/", views.reportback_compliance, name="reportback_compliance"),
    path("reportbacks/<int:pk>/", views.reportback_detail, name="reportback_detail"),
    path("reportbacks/<int:pk>/print/", views.reportback_print, name="reportback_print"),
    path("reportbacks/<int:pk>/paper/", views.reportback_paper, name="reportback_paper"),
    path("appointments/", views.appointment_list, name="appointments"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/items/", views.meeting_item_add, name="meeting_item_add"),
    path("items/<int:pk>/rate/", views.meeting_item_rate, name="meeting_item_rate"),
    path("items/<int:pk>/my-rating/", views.meeting_item_rate_mine, name="meeting_item_rate_mine"),
    path("meetings/ratings/", views.meeting_ratings, name="meeting_ratings"),
]
# One POST view per action of ties.loop.APPOINTMENT, from its row.
urlpatterns += [
    path(
        f"appointments/<int:pk>/{row.path}",
        views.appointment_action(row.name),
        name=row.url_name.split(":")[1],
    )
    for row in APPOINTMENT
]
