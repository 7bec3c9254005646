from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.cycle_create, name="cycle_create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("ledger.xlsx", views.ledger, name="ledger"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
    path("cycles/<int:pk>/do/<slug:action>/", views.cycle_act, name="cycle_act"),
    path("cycles/<int:pk>/propose/", views.propose, name="propose"),
    path("cycles/<int:pk>/ballot/", views.ballot, name="ballot"),
    path("cycles/<int:pk>/paper/", views.paper_ballot, name="paper_ballot"),
    path("cycles/<int:pk>/ballots/", views.ballots, name="ballots"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
