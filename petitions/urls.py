from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="list"),
    path("new/", views.petition_create, name="create"),
    path("mine/", views.my_petitions, name="my"),
    path("department/", views.department_cases, name="department_cases"),
    path("receptions/", views.reception_list, name="reception_list"),
    path("receptions/new/", views.reception_create, name="reception_create"),
    path("receptions/<int:pk>/", views.reception_detail, name="reception_detail"),
    path(
        "receptions/<int:pk>/opinion/", views.reception_add_petition, name="reception_add_petition"
    ),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/triage/", views.triage, name="triage"),
    path("<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/return/", views.return_case, name="return"),
    path("<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("<int:pk>/extension/decide/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/opinion/", views.opinion, name="opinion"),
    path("<int:pk>/feedback/", views.feedback, name="feedback"),
    path("<int:pk>/rate/", views.rate_deputy, name="rate_deputy"),
    path("<int:pk>/slip/assignment/", views.assignment_slip, name="assignment_slip"),
    path("<int:pk>/slip/reply/", views.reply_slip, name="reply_slip"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
