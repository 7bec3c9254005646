from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from core import health
from core.forms import LoginForm
from petitions.public_views import short_link
from reports.public.views import entry

urlpatterns = [
    # The public home for visitors; logged-in users go on to their role's home page.
    path("", entry, name="home"),
    # Liveness (touches nothing) and readiness (database and broker); public, plain text.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(success_url="/accounts/password/done/"),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("core.urls")),
    path("stations/", include("stations.urls")),
    path("deputies/", include("deputies.urls")),
    path("roster/", include("deputies.roster.urls")),
    path("petitions/", include("petitions.urls")),
    # The to-do home (login target of station staff, deputies and handlers).
    path("today/", include("petitions.todo.urls")),
    path("routing/", include("petitions.routing.urls")),
    # Constituent-facing pages (no login): submit by QR, receipt, tracking, rating.
    path("p/", include("petitions.public_urls")),
    path("ties/", include("ties.urls")),
    # Constituents book appointments and rate report-backs here (no login).
    path("m/", include("ties.public_urls")),
    # The short link in the constituent's SMS (/t/<tracking code>) to their tracking page.
    path("t/<str:code>", short_link, name="short_track"),
    path("suggestions/", include("suggestions.urls")),
    path("projects/", include("projects.urls")),
    path("p/projects/", include("projects.public_urls")),
    path("duty/", include("duty.urls")),
    path("reports/", include("reports.urls")),
    path("ledgers/", include("reports.ledgers.urls")),
    path("integrations/", include("api.urls")),
    # The JSON API for outside systems (api/api_urls.py), with its schema and documentation.
    path("api/v1/", include("api.api_urls")),
    path("admin/", admin.site.urls),
]

# The product's own error pages (templates/400.html … 503.html); 503 when the database is down.
handler500 = "core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
