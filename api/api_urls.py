"""The JSON API under /api/v1/ (namespace ``api``), its OpenAPI schema and documentation."""

from csp.decorators import csp_update
from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from . import api_views, open311

router = SimpleRouter()
router.register("cases", api_views.CaseViewSet, basename="case")
router.register("receptions", api_views.ReceptionViewSet, basename="reception")
router.register("stations", api_views.StationViewSet, basename="station")
router.register("deputies", api_views.DeputyViewSet, basename="deputy")
router.register("departments", api_views.DepartmentViewSet, basename="department")
router.register("reception-days", api_views.ReceptionDayViewSet, basename="reception-day")
router.register("progress-notices", api_views.ProgressNoticeViewSet, basename="progress-notice")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its start-up script from a URL, so the page needs no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc parses the schema in a web worker it creates from a blob: URL; that page alone
    # allows blob: workers (the one CSP exception of the API's documentation).
    path(
        "redoc/",
        csp_update({"worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    path("me/", api_views.MeView.as_view(), name="me"),
    path("dashboard/", api_views.DashboardView.as_view(), name="dashboard"),
    path(
        "platforms/<int:pk>/inbound/",
        api_views.PlatformInboundView.as_view(),
        name="platform-inbound",
    ),
    # Open311 GeoReport v2 (JSON).
    path("open311/services.json", open311.ServicesView.as_view(), name="open311-services"),
    path("open311/requests.json", open311.RequestsView.as_view(), name="open311-requests"),
    path("open311/requests/<int:pk>.json", open311.RequestView.as_view(), name="open311-request"),
    *router.urls,
]
