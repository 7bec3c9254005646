from django.urls import path

from . import lookups, views
from .loop import LOOP

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="list"),
    # Type-ahead lookups for the list's deputy / station / department filters (JSON).
    path("lookup/<str:kind>/", lookups.lookup, name="lookup"),
    path("new/", views.petition_create, name="create"),
    path("mine/", views.my_petitions, name="my"),
    path("department/", views.department_cases, name="department_cases"),
    path("receptions/", views.reception_list, name="reception_list"),
    path("earlier-cases/", views.phone_history, name="phone_history"),
    path("department/canned/", views.canned_replies, name="canned_replies"),
    path(
        "department/canned/<int:pk>/delete/",
        views.canned_reply_delete,
        name="canned_reply_delete",
    ),
    path("receptions/new/", views.reception_create, name="reception_create"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception_detail"),
    path(
        "receptions/<int:pk>/opinion/", views.reception_add_petition, name="reception_add_petition"
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/slip/assignment/", views.assignment_slip, name="assignment_slip"),
    path("<int:pk>/slip/reply/", views.reply_slip, name="reply_slip"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<int:pk>/contact/", views.reveal_contact, name="reveal_contact"),
]
# One POST view per staff-side action of the loop, from its row in petitions/loop.py.
urlpatterns += [
    path(f"<int:pk>/{row.path}", views.action_view(row.name), name=row.url_name.split(":")[1])
    for row in LOOP
    if row.path
]
