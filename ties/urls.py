from django.urls import path

from . import views

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
    path("deputies/<int:pk>/grids/", views.deputy_grids, name="deputy_grids"),
    path("reportbacks/", views.reportback_list, name="reportbacks"),
    path("reportbacks/new/", views.reportback_create, name="reportback_create"),
    path("reportbacks/compliance/", views.reportback_compliance, name="reportback_compliance"),
    path("reportbacks/<int:pk>/", views.reportback_detail, name="reportback_detail"),
    path("reportbacks/<int:pk>/print/", views.reportback_print, name="reportback_print"),
    path("reportbacks/<int:pk>/paper/", views.reportback_paper, name="reportback_paper"),
]
