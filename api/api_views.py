"""The JSON API's views: thin, every queryset through the model's ``visible_to(user)``.

For a key, ``request.user`` is the integration's service account (a clerk scope on the
integration's region), so the rows are the ones a clerk of that region sees on the pages.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .auth import integration_of


class MeSerializer(serializers.Serializer):
    integration = serializers.CharField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    access = serializers.CharField()
    can_see_pii = serializers.BooleanField()


class MeView(APIView):
    """Who the API takes the caller for: the integration (or session user) and its scope."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        integration = integration_of(request)
        data: dict[str, Any]
        if integration is not None:
            data = {
                "integration": integration.name,
                "region": integration.region.name,
                "access": integration.access,
                "can_see_pii": integration.can_see_pii,
            }
        else:
            data = {
                "integration": None,
                "region": None,
                "access": "session",
                "can_see_pii": False,
            }
        return Response(MeSerializer(data).data)
