"""The JSON API's views: thin, every queryset through the model's ``visible_to(user)``.

For a key, ``request.user`` is the integration's service account (a clerk scope on the
integration's region), so the rows are the ones a clerk of that region sees on the pages; for
a staff session, the rows that user sees on the pages. What the caller may not see is a 404.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies.models import Deputy, StationAssignment
from deputies.roster.models import ReceptionDay
from petitions import services as petition_services
from petitions.models import Petition, PetitionEvent, Reception
from petitions.submission import Submission
from reports import selectors as report_selectors
from reports.ledgers.models import ProgressNotice
from stations.models import Department, Station

from . import platforms, services, webhooks
from . import serializers as s
from .auth import integration_of
from .filters import CaseFilter
from .models import ExternalPlatform, Forwarding


def pii_allowed(request: Any) -> bool:
    """Full phones and ID numbers only for a key with the PII right (sessions see them masked,
    as on the pages, where showing one in full is a recorded reveal)."""
    integration = integration_of(request)
    return integration is not None and integration.can_see_pii


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
            data = {"integration": None, "region": None, "access": "session", "can_see_pii": False}
        return Response(MeSerializer(data).data)


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only list and detail whose rows are ``scoped(user)``."""

    def scoped(self, user: Any):
        raise NotImplementedError

    def get_queryset(self):
        return self.scoped(self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "pii": pii_allowed(self.request)}


class CaseViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Cases (意见建议). The detail carries the constituent's public timeline and an ETag.

    POST records a case through ``petitions.services.petition_submit``: with a read-write key
    at a station of the key's region (the first timeline step says "via API (name)"), or with a
    staff session at a station the user runs (the service checks it, as for the staff form).
    """

    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter

    def scoped(self, user: Any):
        qs = Petition.objects.visible_to(user).select_related(
            "station__region", "category", "lead_department", "supervision"
        )
        if self.action in ("retrieve", "create"):
            qs = qs.prefetch_related(
                Prefetch("events", queryset=PetitionEvent.objects.order_by("created_at", "pk"))
            )
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return s.CaseCreateSerializer
        return s.CaseDetailSerializer if self.action == "retrieve" else s.CaseSerializer

    @extend_schema(request=s.CaseCreateSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        integration = integration_of(request)
        stations = Station.objects.visible_to(request.user).filter(is_active=True)
        form = s.CaseCreateSerializer(data=request.data, stations=stations)
        form.is_valid(raise_exception=True)
        d = dict(form.validated_data)
        external_id = d.pop("external_id", "")
        key = request.headers.get("Idempotency-Key", "")[:100] or external_id
        if integration is not None:
            key = f"api{integration.pk}:{key}" if key else ""
            actor, via = None, integration.name
        else:
            actor, via = request.user, ""
        try:
            petition = petition_services.petition_submit(
                actor=actor,
                submission=Submission(**d, idempotency_key=key, via_integration=via),
            )
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from None
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from None
        fresh = self.scoped(request.user).get(pk=petition.pk)
        body = s.CaseDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(body, status=201, headers={"Location": f"{request.path}{petition.pk}/"})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        petition = self.get_object()
        last = max((e.pk for e in petition.events.all()), default=0)
        tag = f"{petition.pk}:{petition.version}:{last}:{int(pii_allowed(request))}"
        etag = '"' + hashlib.sha256(tag.encode()).hexdigest()[:32] + '"'
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=304, headers={"ETag": etag})
        data = self.get_serializer(petition).data
        return Response(data, headers={"ETag": etag})


class ReceptionViewSet(ScopedViewSet):
    serializer_class = s.ReceptionSerializer

    def scoped(self, user: Any):
        return (
            Reception.objects.visible_to(user)
            .select_related("station")
            .prefetch_related("deputies", "departments")
        )


class StationViewSet(ScopedViewSet):
    serializer_class = s.StationSerializer

    def scoped(self, user: Any):
        return Station.objects.visible_to(user).select_related("region")


class DeputyViewSet(ScopedViewSet):
    """Deputies: public fields only."""

    serializer_class = s.DeputySerializer

    def scoped(self, user: Any):
        return Deputy.objects.visible_to(user).prefetch_related(
            Prefetch("assignments", queryset=StationAssignment.objects.all())
        )


class DepartmentViewSet(ScopedViewSet):
    serializer_class = s.DepartmentSerializer

    def scoped(self, user: Any):
        return Department.objects.visible_to(user).select_related("region")


class ReceptionDayViewSet(ScopedViewSet):
    serializer_class = s.ReceptionDaySerializer

    def scoped(self, user: Any):
        return ReceptionDay.objects.visible_to(user).select_related("station")


class ProgressNoticeViewSet(ScopedViewSet):
    """Published progress notices (进度公示) of the stations the caller sees."""

    serializer_class = s.ProgressNoticeSerializer

    def scoped(self, user: Any):
        return ProgressNotice.objects.filter(
            published_at__isnull=False, station__in=Station.objects.visible_to(user)
        ).select_related("station")


def _date(request: Request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: "Use YYYY-MM-DD."}) from None


class DashboardView(APIView):
    """The dashboard's figures for a region and period (reports.selectors.dashboard)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("region", int, required=True),
            OpenApiParameter("date_from", dt.date),
            OpenApiParameter("date_to", dt.date),
        ],
        responses=s.DashboardSerializer,
    )
    def get(self, request: Request) -> Response:
        try:
            region_id = int(request.query_params.get("region", ""))
        except ValueError:
            raise ValidationError({"region": "A region id is required."}) from None
        if not 0 < region_id < 2**63:
            raise ValidationError({"region": "A region id is required."})
        today = timezone.localdate()
        start = _date(request, "date_from", today.replace(month=1, day=1))
        end = _date(request, "date_to", today)
        if end < start or (end - start).days > 3660:
            raise ValidationError({"date_to": "The period must run forward, ten years at most."})
        region = report_selectors.region_or_404(request.user, region_id)
        data = report_selectors.dashboard(start, end, region=region)
        out = {
            "region": {"id": region.pk, "name": region.name},
            "date_from": start,
            "date_to": end,
            "figures": data["figures"].as_dict(),
            "trend": data["trend"],
            "categories": data["categories"],
            "tiers": data["tiers"],
        }
        return Response(s.DashboardSerializer(out).data)


class InboundSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=64)
    state = serializers.ChoiceField(choices=["accepted", "replied", "returned"])
    reply = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True)


INBOUND_MAX_SKEW_SECONDS = 300


class PlatformInboundView(APIView):
    """An external platform reports a forwarded case's state (signed with the platform's secret).

    ``X-Liaison-Timestamp`` (seconds; at most 5 minutes off) and ``X-Liaison-Signature:
    sha256=HMAC(secret, "<timestamp>.<body>")``. A bad signature and an unknown platform both
    answer 404, so nothing about the configured platforms can be learnt.
    """

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(request=InboundSerializer, responses={200: InboundSerializer})
    def post(self, request: Request, pk: int) -> Response:
        platform = ExternalPlatform.objects.filter(pk=pk, is_active=True).first()
        timestamp = request.headers.get("X-Liaison-Timestamp", "")
        signature = request.headers.get("X-Liaison-Signature", "")
        body = request.body
        fresh = (
            timestamp.isdigit() and abs(time.time() - int(timestamp)) <= INBOUND_MAX_SKEW_SECONDS
        )
        if (
            platform is None
            or not fresh
            or not webhooks.verify(platform.secret, timestamp, body, signature)
        ):
            raise NotFound()
        data = InboundSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        forwarding = Forwarding.objects.filter(
            platform=platform, external_id=data.validated_data["external_id"]
        ).first()
        if forwarding is None:
            raise NotFound()
        remote = platforms.parse_state(data.validated_data)
        if remote is not None:
            services.forwarding_apply(forwarding=forwarding, remote=remote)
        return Response(data.validated_data)
