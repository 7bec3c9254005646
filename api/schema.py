"""OpenAPI: describe the API-key authentication to drf-spectacular."""

from __future__ import annotations

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "lk_<prefix>_<secret>"}


class ProductSessionScheme(SessionScheme):
    """Our session sign-in (DRF's, with the CSRF refusal translated) is the same cookie scheme."""

    target_class = "api.auth.SessionAuthentication"
    priority = 0
