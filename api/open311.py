"""Open311 GeoReport v2 (JSON) over the same cases: what FixMyStreet-style clients speak.

``services.json`` lists the categories; ``requests.json`` lists (GET) and submits (POST)
cases; ``requests/{id}.json`` reads one. Keys as for the rest of the API (``api_key`` as a
parameter too, as Open311 clients send it), rows scoped by ``visible_to``, submissions through
``petition_submit`` at the station named by ``station_id`` (our extension) or the nearest
station of the key's region to ``lat``/``long``. Contact data is kept only with ``consent=true``;
without it the case is recorded anonymously. XML is not offered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.input import fold, tidy
from core.pii import scrub
from petitions import services as petition_services
from petitions.choices import FINAL_STATUSES, Channel
from petitions.models import Category, Petition
from petitions.submission import Submission
from stations.models import Station

from .api_views import pii_allowed
from .auth import integration_of

LIMIT = 200

ServiceSchema = inline_serializer(
    "Open311Service",
    {
        "service_code": serializers.CharField(),
        "service_name": serializers.CharField(),
        "description": serializers.CharField(),
        "metadata": serializers.BooleanField(),
        "type": serializers.CharField(),
        "keywords": serializers.CharField(),
        "group": serializers.CharField(),
    },
    many=True,
)
RequestSchema = inline_serializer(
    "Open311Request",
    {
        "service_request_id": serializers.CharField(),
        "status": serializers.CharField(),
        "status_notes": serializers.CharField(),
        "service_name": serializers.CharField(),
        "service_code": serializers.CharField(),
        "description": serializers.CharField(),
        "agency_responsible": serializers.CharField(),
        "service_notice": serializers.CharField(),
        "requested_datetime": serializers.DateTimeField(),
        "updated_datetime": serializers.DateTimeField(),
        "expected_datetime": serializers.CharField(allow_null=True),
        "address": serializers.CharField(),
        "zipcode": serializers.CharField(),
        "lat": serializers.FloatField(allow_null=True),
        "long": serializers.FloatField(allow_null=True),
    },
    many=True,
)
CreatedSchema = inline_serializer(
    "Open311Created",
    {"service_request_id": serializers.CharField(), "service_notice": serializers.CharField()},
    many=True,
)


def _error(status: int, description: str) -> Response:
    return Response([{"code": status, "description": description}], status=status)


def _request_row(p: Petition, pii: bool) -> dict[str, Any]:
    def text(value: str) -> str:
        return value if pii else scrub(value)

    updated = p.closed_at or p.replied_at or p.assigned_at or p.accepted_at or p.submitted_at
    return {
        "service_request_id": str(p.pk),
        "status": "closed" if p.status in FINAL_STATUSES else "open",
        "status_notes": text(p.reply_summary or p.decline_reason),
        "service_name": str(p.category) if p.category_id else "",
        "service_code": str(p.category_id or ""),
        "description": text(f"{p.title}\n{p.content}"),
        "agency_responsible": p.lead_department.name if p.lead_department else "",
        "service_notice": "",
        "requested_datetime": p.submitted_at,
        "updated_datetime": updated,
        "expected_datetime": p.deadline.isoformat() if p.deadline else None,
        "address": text(p.location_text),
        "zipcode": "",
        "lat": float(p.station.latitude) if p.station.latitude is not None else None,
        "long": float(p.station.longitude) if p.station.longitude is not None else None,
    }


def _cases(request: Request):
    return Petition.objects.visible_to(request.user).select_related(
        "station", "category", "lead_department", "supervision"
    )


class ServicesView(APIView):
    """The categories, as Open311 services."""

    @extend_schema(responses=ServiceSchema)
    def get(self, request: Request) -> Response:
        rows = [
            {
                "service_code": str(c.pk),
                "service_name": str(c),
                "description": c.name_en or c.name,
                "metadata": False,
                "type": "realtime",
                "keywords": "",
                "group": "",
            }
            for c in Category.objects.filter(is_active=True)
        ]
        return Response(rows)


def _nearest_station(stations, lat: float, lon: float) -> Station | None:
    placed = [s for s in stations if s.latitude is not None and s.longitude is not None]
    if not placed:
        return None
    return min(
        placed, key=lambda s: (float(s.latitude) - lat) ** 2 + (float(s.longitude) - lon) ** 2
    )


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -180 <= number <= 180 else None


class RequestsView(APIView):
    """GET: the cases; POST: submit one (Open311 ``POST requests.json``)."""

    parser_classes = [FormParser, JSONParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("service_request_id", str),
            OpenApiParameter("service_code", str),
            OpenApiParameter("status", str, enum=["open", "closed"]),
            OpenApiParameter("start_date", dt.datetime),
            OpenApiParameter("end_date", dt.datetime),
        ],
        responses=RequestSchema,
    )
    def get(self, request: Request) -> Response:
        qs = _cases(request)
        params = request.query_params
        if ids := params.get("service_request_id"):
            wanted = [int(x) for x in ids.split(",") if x.strip().isdigit() and len(x) < 19]
            qs = qs.filter(pk__in=wanted)
        if code := params.get("service_code"):
            qs = (
                qs.filter(category_id=int(code)) if code.isdigit() and len(code) < 19 else qs.none()
            )
        status = params.get("status")
        if status == "open":
            qs = qs.exclude(status__in=FINAL_STATUSES)
        elif status == "closed":
            qs = qs.filter(status__in=FINAL_STATUSES)
        for name, lookup in (("start_date", "gte"), ("end_date", "lte")):
            if raw := params.get(name):
                try:
                    moment = parse_datetime(raw)
                except ValueError:
                    moment = None
                if moment is None:
                    return _error(400, f"{name}: use a W3C datetime")
                qs = qs.filter(**{f"submitted_at__{lookup}": moment})
        pii = pii_allowed(request)
        return Response([_request_row(p, pii) for p in qs.order_by("-pk")[:LIMIT]])

    @extend_schema(
        request=inline_serializer(
            "Open311Submit",
            {
                "service_code": serializers.CharField(),
                "description": serializers.CharField(),
                "lat": serializers.FloatField(required=False),
                "long": serializers.FloatField(required=False),
                "address_string": serializers.CharField(required=False),
                "station_id": serializers.IntegerField(required=False),
                "first_name": serializers.CharField(required=False),
                "last_name": serializers.CharField(required=False),
                "phone": serializers.CharField(required=False),
                "consent": serializers.BooleanField(required=False),
            },
        ),
        responses={201: CreatedSchema},
    )
    def post(self, request: Request) -> Response:
        integration = integration_of(request)
        data = request.data
        description = tidy(str(data.get("description", ""))).strip()[:5000]
        if not description:
            return _error(400, "description is required")
        code = str(data.get("service_code", ""))
        category = (
            Category.objects.filter(pk=int(code), is_active=True).first()
            if code.isdigit() and len(code) < 19
            else None
        )
        if category is None:
            return _error(400, "unknown service_code")
        stations = Station.objects.visible_to(request.user).filter(is_active=True)
        station_id = str(data.get("station_id", ""))
        station: Station | None
        if station_id:
            ok = station_id.isdigit() and len(station_id) < 19
            station = stations.filter(pk=int(station_id)).first() if ok else None
        else:
            lat, lon = _float(data.get("lat")), _float(data.get("long"))
            station = (
                _nearest_station(stations, lat, lon)
                if lat is not None and lon is not None
                else None
            )
        if station is None:
            return _error(400, "give station_id, or lat and long near a station of your region")
        consent = str(data.get("consent", "")).lower() in ("1", "true", "yes")
        name = tidy(f"{data.get('last_name', '')}{data.get('first_name', '')}").strip()[:32]
        phone = fold(str(data.get("phone", ""))).strip()[:20]
        submission = Submission(
            station=station,
            channel=Channel.ONLINE,
            title=description.splitlines()[0][:60],
            content=description,
            category=category,
            location_text=tidy(str(data.get("address_string", ""))).strip()[:200],
            constituent_name=name if consent else "",
            phone=phone if consent else "",
            is_anonymous=not (consent and (name or phone)),
            consent=consent,
            via_integration=integration.name if integration is not None else "",
        )
        actor = None if integration is not None else request.user
        try:
            petition = petition_services.petition_submit(actor=actor, submission=submission)
        except DjangoValidationError as exc:
            return _error(400, " ".join(exc.messages))
        except DjangoPermissionDenied as exc:
            return _error(403, str(exc))
        return Response(
            [{"service_request_id": str(petition.pk), "service_notice": ""}], status=201
        )


class RequestView(APIView):
    """One case (Open311 ``GET requests/{id}.json``): a list of one, as the spec says."""

    @extend_schema(responses=RequestSchema)
    def get(self, request: Request, pk: int) -> Response:
        petition = _cases(request).filter(pk=pk).first()
        if petition is None:
            return _error(404, "not found")
        return Response([_request_row(petition, pii_allowed(request))])
